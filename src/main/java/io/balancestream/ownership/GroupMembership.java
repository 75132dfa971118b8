package io.balancestream.ownership;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

import io.balancestream.kafka.KafkaClients;
import io.balancestream.kafka.TopicReader;

/**
 * This instance's membership in the consumer group that shares the accounts. The member subscribes to the state
 * topic; the partitions Kafka assigns to it are the partitions whose accounts this instance polls. Kafka's group
 * protocol (cooperative sticky assignment) decides, no lease of our own: a crashed or paused instance drops out after
 * the session timeout and its partitions move. The member's {@link #groupMetadata() group metadata} goes with every
 * transaction of the publisher, so Kafka refuses the commit of an instance that is no longer the owner.
 * <p>
 * The member never fetches records (its partitions are paused): it exists for membership only. Its own thread calls
 * poll, so rebalance callbacks, and therefore every start and stop of an account, happen there, one at a time.
 */
@ApplicationScoped
public class GroupMembership implements Ownership {

    private static final Logger LOG = Logger.getLogger(GroupMembership.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(2);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaClients clients;
    private final String stateTopic;
    private final String eventTopic;
    private final String memberName = "balance-stream-" + UUID.randomUUID().toString().substring(0, 8);
    /** Replaced as a whole, only on the membership thread; read by the publisher once per transaction. */
    private volatile OwnershipSnapshot snapshot = OwnershipSnapshot.EMPTY;
    /** The last epoch handed out; only the membership thread touches it. */
    private long lastEpoch = OwnershipSnapshot.NONE;
    private volatile Instant lastContact;
    /** The current member's heartbeat metric; only the membership thread touches it. */
    private Metric heartbeatMetric;
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    @Inject
    public GroupMembership(KafkaClients clients) {
        this.clients = clients;
        this.stateTopic = clients.config().stateTopicName();
        this.eventTopic = clients.config().topic();
    }

    public synchronized void start(OwnershipListener listener) {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(() -> run(listener), "balance-stream-membership");
        thread.setDaemon(true);
        thread.start();
    }

    /** Leaves the group: the listener is told to stop every owned account before this returns (or gives up). */
    public void stop(Duration timeout) {
        Thread member;
        synchronized (this) {
            running = false;
            member = thread;
        }
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (member != null) {
            try {
                member.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public OwnershipSnapshot snapshot() {
        return snapshot;
    }

    /** Partitions of the state topic this instance owns right now. */
    public Set<Integer> ownedPartitions() {
        return snapshot.partitions();
    }

    public String memberName() {
        return memberName;
    }

    /** When this member last heard from the group coordinator (a heartbeat answered); null before it joined. */
    public Instant lastContact() {
        return lastContact;
    }

    /** After a poll: the generation may have changed without a callback (a reset to -1 when the member was fenced). */
    private void noteGroup(ConsumerGroupMetadata group) {
        OwnershipSnapshot current = snapshot;
        if (!group.equals(current.group())) {
            snapshot = current.withGroup(group);
        }
    }

    private void noteContact(KafkaConsumer<String, byte[]> member) {
        ConsumerGroupMetadata group = snapshot.group();
        if (group == null || group.generationId() < 0) {
            return;
        }
        Metric heartbeat = heartbeatMetric(member);
        if (heartbeat != null && heartbeat.metricValue() instanceof Number seconds && seconds.doubleValue() >= 0) {
            // Right after joining no heartbeat was sent yet and the metric counts from the epoch.
            double ago = seconds.doubleValue() > 1e6 ? 0 : seconds.doubleValue();
            lastContact = Instant.now().minusMillis((long) (ago * 1000));
        }
    }

    /** Looked up once per member: the member keeps the same metric object, and this runs after every poll. */
    private Metric heartbeatMetric(KafkaConsumer<String, byte[]> member) {
        if (heartbeatMetric == null) {
            heartbeatMetric = member.metrics().entrySet().stream()
                    .filter(metric -> "last-heartbeat-seconds-ago".equals(metric.getKey().name()))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
        }
        return heartbeatMetric;
    }

    private void run(OwnershipListener listener) {
        while (running) {
            KafkaConsumer<String, byte[]> member = clients.groupMember(memberName);
            try {
                consumer = member;
                heartbeatMetric = null;
                member.subscribe(List.of(stateTopic), new Rebalance(member, listener));
                LOG.infof("Joining consumer group %s on %s as %s", clients.config().groupId(), stateTopic,
                        memberName);
                while (running) {
                    member.poll(POLL);
                    noteGroup(member.groupMetadata());
                    noteContact(member);
                }
            } catch (WakeupException e) {
                // stop() was called
            } catch (RuntimeException e) {
                // Whatever failed (Kafka, a recovery that timed out), membership starts over: never a dead thread.
                LOG.errorf("Group membership failed, joining again in %s: %s", RETRY, e.toString());
                loseAll(listener);
                pause();
            } finally {
                // Leaving the group revokes what this instance owned (the listener stops those accounts); bounded,
                // so a stop with Kafka unreachable still ends in time.
                try {
                    member.close(CloseOptions.timeout(CLOSE_TIMEOUT));
                } catch (RuntimeException e) {
                    LOG.debugf("Closing the group member: %s", e.toString());
                }
                consumer = null;
                loseAll(listener); // what closing did not release (its callback failed, say), and the group
                lastContact = null;
            }
        }
        loseAll(listener);
    }

    /** No group and nothing owned any more; the listener is told what this instance still owned. */
    private void loseAll(OwnershipListener listener) {
        OwnershipSnapshot current = snapshot;
        snapshot = new OwnershipSnapshot(null, current.spread(), Map.of());
        if (!current.epochs().isEmpty()) {
            listener.revoked(current.partitions(), current.spread());
        }
    }

    private void pause() {
        try {
            Thread.sleep(RETRY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {

        private final KafkaConsumer<String, byte[]> member;
        private final OwnershipListener listener;

        Rebalance(KafkaConsumer<String, byte[]> member, OwnershipListener listener) {
            this.member = member;
            this.listener = listener;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            member.pause(partitions);
            ConsumerGroupMetadata group = member.groupMetadata();
            if (partitions.isEmpty()) {
                snapshot = snapshot.withGroup(group);
                return;
            }
            PartitionSpread spread = readSpread();
            Set<Integer> gained = numbers(partitions);
            Map<Integer, Long> epochs = new HashMap<>(snapshot.epochs());
            gained.forEach(partition -> epochs.computeIfAbsent(partition, ignored -> ++lastEpoch));
            LOG.infof("Assigned partitions %s of %s (generation %d)", gained, stateTopic, group.generationId());
            // The gained partitions' epochs start now; only their accounts' new loops make requests under them.
            snapshot = new OwnershipSnapshot(group, spread, epochs);
            listener.assigned(gained, snapshot);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            release(partitions, "Revoked");
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            release(partitions, "Lost (the group went on without this instance)");
        }

        private void release(Collection<TopicPartition> partitions, String how) {
            OwnershipSnapshot current = snapshot;
            Set<Integer> released = numbers(partitions);
            released.retainAll(current.epochs().keySet()); // loseAll may have released them already
            Map<Integer, Long> epochs = new HashMap<>(current.epochs());
            epochs.keySet().removeAll(released);
            // Their epochs end before the listener is told: from here no transaction takes their requests.
            snapshot = new OwnershipSnapshot(member.groupMetadata(), current.spread(), epochs);
            if (released.isEmpty()) {
                return;
            }
            LOG.infof("%s partitions %s of %s", how, released, stateTopic);
            listener.revoked(released, current.spread());
        }

        /**
         * What the accounts are spread over (see {@link PartitionSpread}): the marks in the group's committed offsets,
         * and for each state partition that holds records but no mark (the group's offsets were deleted, reset or
         * expired) the marks its records carry.
         */
        private PartitionSpread readSpread() {
            Set<TopicPartition> all = member.partitionsFor(stateTopic).stream()
                    .map(info -> new TopicPartition(stateTopic, info.partition())).collect(Collectors.toSet());
            int events = member.partitionsFor(eventTopic).size();
            // read_committed: waits for a transaction still open on these offsets, as recovery does after this.
            Duration wait = clients.config().transactionTimeout().multipliedBy(2).plusSeconds(30);
            List<String> marks = new ArrayList<>();
            Set<TopicPartition> unmarked = new HashSet<>(all);
            member.committed(all, wait).forEach((partition, offset) -> {
                if (offset != null && PartitionSpread.isMark(offset.metadata())) {
                    marks.add(offset.metadata());
                    unmarked.remove(partition);
                }
            });
            if (!unmarked.isEmpty()) {
                marks.addAll(recordedMarks(unmarked, wait));
            }
            PartitionSpread found = PartitionSpread.of(marks, all.size(), events);
            if (found.statePartitions() < all.size()) {
                LOG.warnf("State topic %s has %d partitions, but its accounts' states were written over %d: partitions "
                        + "%d-%d hold no account, since an account moved to another partition would lose its state",
                        stateTopic, all.size(), found.statePartitions(), found.statePartitions(), all.size() - 1);
            }
            if (found.eventPartitions() < events) {
                LOG.warnf("Event topic %s has %d partitions, but events were written over %d: partitions %d-%d get no "
                        + "event, since an account's events moved to another partition could be read out of order",
                        eventTopic, events, found.eventPartitions(), found.eventPartitions(), events - 1);
            }
            return found;
        }

        /** The spread marks on the records of those partitions that hold any (a rare read: the offsets were lost). */
        private List<String> recordedMarks(Set<TopicPartition> partitions, Duration wait) {
            List<TopicPartition> written = member.endOffsets(partitions, wait).entrySet().stream()
                    .filter(end -> end.getValue() > 0).map(Map.Entry::getKey).toList();
            if (written.isEmpty()) {
                return List.of();
            }
            LOG.infof("The group's offsets of %s carry no partition counts; reading them from the state records",
                    written);
            List<String> marks = new ArrayList<>();
            try (TopicReader reader = new TopicReader(clients, memberName + "-spread")) {
                reader.readToEnd(written, wait, () -> running, record -> {
                    Header mark = record.headers().lastHeader(PartitionSpread.HEADER);
                    if (mark != null) {
                        marks.add(new String(mark.value(), StandardCharsets.UTF_8));
                    }
                });
            }
            return marks;
        }

        private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
            return partitions.stream().map(TopicPartition::partition).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
