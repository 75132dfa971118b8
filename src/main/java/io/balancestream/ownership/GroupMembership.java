package io.balancestream.ownership;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
import org.jboss.logging.Logger;

import io.balancestream.kafka.KafkaClients;

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
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private volatile ConsumerGroupMetadata groupMetadata;
    private volatile Instant lastContact;
    /** The current member's heartbeat metric; only the membership thread touches it. */
    private Metric heartbeatMetric;
    /** Null until the group first assigned partitions to this instance. */
    private volatile PartitionSpread spread;
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

    /** The metadata to send with a transaction; null until this instance joined the group. */
    @Override
    public ConsumerGroupMetadata groupMetadata() {
        return groupMetadata;
    }

    /** Partitions of the state topic this instance owns right now. */
    public Set<Integer> ownedPartitions() {
        return new TreeSet<>(owned);
    }

    @Override
    public PartitionSpread spread() {
        return spread;
    }

    @Override
    public boolean owns(String accountId) {
        PartitionSpread current = spread;
        return current != null && owned.contains(AccountPartitions.partitionOf(accountId, current.statePartitions()));
    }

    public String memberName() {
        return memberName;
    }

    /** When this member last heard from the group coordinator (a heartbeat answered); null before it joined. */
    public Instant lastContact() {
        return lastContact;
    }

    private void noteContact(KafkaConsumer<String, byte[]> member) {
        if (groupMetadata == null || groupMetadata.generationId() < 0) {
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
                    groupMetadata = member.groupMetadata();
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
                groupMetadata = null;
                lastContact = null;
            }
        }
        loseAll(listener);
    }

    private void loseAll(OwnershipListener listener) {
        if (!owned.isEmpty()) {
            Set<Integer> lost = ownedPartitions();
            owned.clear();
            listener.revoked(lost, spread.statePartitions());
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
            groupMetadata = member.groupMetadata();
            if (partitions.isEmpty()) {
                return;
            }
            spread = readSpread();
            Set<Integer> gained = numbers(partitions);
            LOG.infof("Assigned partitions %s of %s (generation %d)", gained, stateTopic,
                    groupMetadata.generationId());
            owned.addAll(gained);
            listener.assigned(gained, spread.statePartitions());
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
            groupMetadata = member.groupMetadata();
            if (partitions.isEmpty()) {
                return;
            }
            Set<Integer> released = numbers(partitions);
            LOG.infof("%s partitions %s of %s", how, released, stateTopic);
            owned.removeAll(released);
            listener.revoked(released, spread.statePartitions());
        }

        /** What the group's committed offsets say the accounts are spread over: see {@link PartitionSpread}. */
        private PartitionSpread readSpread() {
            Set<TopicPartition> all = member.partitionsFor(stateTopic).stream()
                    .map(info -> new TopicPartition(stateTopic, info.partition())).collect(Collectors.toSet());
            int events = member.partitionsFor(eventTopic).size();
            // read_committed: waits for a transaction still open on these offsets, as recovery does after this.
            Duration wait = clients.config().transactionTimeout().multipliedBy(2).plusSeconds(30);
            List<String> marks = member.committed(all, wait).values().stream()
                    .map(offset -> offset == null ? null : offset.metadata()).toList();
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

        private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
            return partitions.stream().map(TopicPartition::partition).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
