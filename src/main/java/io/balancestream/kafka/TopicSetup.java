package io.balancestream.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

import io.balancestream.config.BalanceStreamConfig;

/**
 * The topics the service relies on, checked before it joins the group: created when missing (partitions,
 * replication factor and min.insync.replicas from {@code balance-stream.kafka.*}, the state topic compacted, the
 * webhook topic with one partition and an hour's retention), and refused when the state topic exists but would delete
 * state (not compacted), or holds no state while the event topic holds events.
 */
@ApplicationScoped
public class TopicSetup {

    private static final Logger LOG = Logger.getLogger(TopicSetup.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** Reading a whole event topic's keys, once, when its state topic is empty. */
    private static final Duration EVENT_SCAN_TIMEOUT = Duration.ofMinutes(30);

    /** A setting or topic that makes running unsafe; retrying cannot fix it. */
    public static final class UnsafeTopicException extends RuntimeException {
        UnsafeTopicException(String message) {
            super(message, null, false, false);
        }
    }

    private final KafkaClients clients;
    private final BalanceStreamConfig.Kafka config;
    /** The admin client of a check under way, so that a stop can cut it short. */
    private volatile Admin inFlight;
    private volatile boolean aborted;

    @Inject
    public TopicSetup(KafkaClients clients) {
        this.clients = clients;
        this.config = clients.config();
    }

    /**
     * @param webhooks   an account takes Partner Center's callbacks: the webhook topic is needed too
     * @param accountIds the accounts of this deployment (whose events, if any, need their state)
     * @throws UnsafeTopicException when the state topic is not compacted, or was lost
     * @throws KafkaException       when Kafka cannot be reached or refuses (retry later)
     */
    public void ensureTopics(boolean webhooks, Set<String> accountIds) {
        String events = config.topic();
        String state = config.stateTopicName();
        try (Admin admin = clients.admin()) {
            inFlight = admin;
            Set<String> existing = get(admin.listTopics().names());
            List<NewTopic> missing = new ArrayList<>();
            if (!existing.contains(events)) {
                missing.add(newTopic(events, Map.of()));
            }
            if (!existing.contains(state)) {
                missing.add(newTopic(state, Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                        // Small segments, rolled at least hourly: the cleaner keeps the topic near one record per
                        // account, so recovery reads about as many records as there are accounts.
                        TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Duration.ofHours(1).toMillis()),
                        TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024),
                        TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1")));
            }
            String callbacks = config.webhookTopicName();
            if (webhooks && !existing.contains(callbacks)) {
                // A forwarded callback only matters for the next few seconds; one partition keeps every instance's
                // reader simple, and a callback per invoice is little traffic.
                missing.add(new NewTopic(callbacks, java.util.Optional.of(1), config.replicationFactor())
                        .configs(withMinInsyncReplicas(Map.of(TopicConfig.RETENTION_MS_CONFIG,
                                Long.toString(Duration.ofHours(1).toMillis())))));
            }
            boolean createdState = false;
            boolean createdEvents = false;
            for (NewTopic topic : missing) {
                try {
                    get(admin.createTopics(List.of(topic)).all());
                    createdState |= topic.name().equals(state);
                    createdEvents |= topic.name().equals(events);
                    LOG.infof("Created topic %s: %d partitions, replication factor %s, %s", topic.name(),
                            topic.numPartitions(), topic.replicationFactor() < 0 ? "broker default"
                                    : topic.replicationFactor(), topic.configs());
                } catch (KafkaException e) {
                    if (!(e instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            // A topic just created with compaction needs no check (and its configs may not be visible for a moment:
            // describing it at once fails with UnknownTopicOrPartition). One created by someone else does.
            if (!createdState) {
                checkStateTopic(admin, state);
            }
            if (!createdEvents) {
                checkStateNotLost(admin, events, state, createdState, accountIds);
            }
        } finally {
            inFlight = null;
        }
    }

    /** Ends a check under way at once (the service is stopping): its calls fail instead of waiting for Kafka. */
    public void abort() {
        aborted = true;
        Admin admin = inFlight;
        if (admin != null) {
            admin.close(Duration.ZERO);
        }
    }

    private NewTopic newTopic(String name, Map<String, String> configs) {
        return new NewTopic(name, java.util.Optional.of(config.partitions()), config.replicationFactor())
                .configs(withMinInsyncReplicas(configs));
    }

    private Map<String, String> withMinInsyncReplicas(Map<String, String> configs) {
        Map<String, String> all = new HashMap<>(configs);
        config.minInsyncReplicas().ifPresent(isr -> all.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                Integer.toString(isr)));
        return all;
    }

    private void checkStateTopic(Admin admin, String state) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, state);
        Config topicConfig = get(admin.describeConfigs(List.of(resource)).all()).get(resource);
        String policy = topicConfig.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
        if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT) || policy.contains(TopicConfig.CLEANUP_POLICY_DELETE)) {
            throw new UnsafeTopicException("State topic " + state + " has cleanup.policy=" + policy + ": it must be "
                    + "exactly 'compact', or Kafka deletes the last state of quiet accounts and their sequences would "
                    + "start again. Fix it with: kafka-configs.sh --alter --entity-type topics --entity-name " + state
                    + " --add-config cleanup.policy=compact (or set balance-stream.kafka.state-topic to another topic)");
        }
        TopicDescription description = get(admin.describeTopics(List.of(state)).allTopicNames()).get(state);
        LOG.infof("State topic %s: %d partitions, compacted", state, description.partitions().size());
    }

    /**
     * Events of this deployment's accounts were published but the state topic holds nothing: it was deleted, or the
     * setting points at another topic. Started this way, every such account would publish sequence 1 again, with
     * eventIds consumers have seen. (Another deployment's events on a shared event topic are no reason to refuse.)
     */
    private void checkStateNotLost(Admin admin, String events, String state, boolean stateCreated,
            Set<String> accountIds) {
        if (!stateCreated && written(admin, state) || !written(admin, events)) {
            return; // the usual start: no reader is built
        }
        // Rare (a first start on an event topic in use): read its keys once.
        try (TopicReader reader = new TopicReader(clients, "balance-stream-topic-check")) {
            Set<String> published = new TreeSet<>();
            List<TopicPartition> partitions = reader.partitionsOf(events, TIMEOUT);
            reader.readToEnd(partitions, EVENT_SCAN_TIMEOUT, () -> !aborted, record -> {
                if (accountIds.contains(record.key())) {
                    published.add(record.key());
                }
            });
            if (published.isEmpty() || aborted) {
                return;
            }
            // An instance that starts during the very first commit may have looked at the state topic before the state
            // record was written; the events read since were committed, so their transactions' state records are in.
            if (!stateCreated && written(admin, state)) {
                return;
            }
            throw new UnsafeTopicException("Event topic " + events + " holds events of " + published.size()
                    + " of this deployment's accounts " + published.stream().limit(5).toList() + ", but state topic "
                    + state + (stateCreated ? " was missing" : " is empty") + ": started this way, they would publish "
                    + "sequence 1 again, with eventIds consumers have already seen. Restore " + state + ", or set "
                    + "balance-stream.kafka.state-topic to the topic that holds the state, or publish to a new event "
                    + "topic (balance-stream.kafka.topic)");
        }
    }

    /** Whether anything was ever written to the topic (its high watermarks are not all 0). */
    private static boolean written(Admin admin, String topic) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic).partitions().forEach(partition ->
                latest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest()));
        return get(admin.listOffsets(latest).all()).values().stream().anyMatch(end -> end.offset() > 0);
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
        return KafkaFutures.await(future, TIMEOUT);
    }
}
