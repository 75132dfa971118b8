package io.balancestream.state;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

import io.balancestream.state.AccountStateCodec.StoredState;
import io.balancestream.kafka.KafkaClients;
import io.balancestream.kafka.TopicReader;
import io.balancestream.ownership.AccountPartitions;

/**
 * Reads the last published state of accounts back from the compacted state topic: the partitions an instance was
 * just given, or one account whose last transaction has an unknown outcome. The cost grows with the number of
 * accounts (compacted state), not with the event history. Blocking: call it from a worker or the member's thread.
 */
@ApplicationScoped
public class StateRecovery {

    private static final Logger LOG = Logger.getLogger(StateRecovery.class);

    private final KafkaClients clients;
    private final String stateTopic;
    private final String eventTopic;

    @Inject
    public StateRecovery(KafkaClients clients) {
        this.clients = clients;
        this.stateTopic = clients.config().stateTopicName();
        this.eventTopic = clients.config().topic();
    }

    /**
     * The stored state of each of {@code accountIds} found in the given state partitions, checked against the event
     * topic. An account without a stored state has never published.
     */
    public RecoveredStates recover(Set<Integer> partitions, Collection<String> accountIds, Duration timeout,
            BooleanSupplier keepGoing) {
        List<TopicPartition> statePartitions = partitions.stream().map(p -> new TopicPartition(stateTopic, p)).toList();
        RecoveredStates.Builder states = new RecoveredStates.Builder(Set.copyOf(accountIds));
        long read;
        try (TopicReader reader = new TopicReader(clients, "balance-stream-recovery")) {
            read = reader.readToEnd(statePartitions, timeout, keepGoing, record -> {
                Header kind = record.headers().lastHeader(StateRecords.RECORD_KIND_HEADER);
                if (kind != null) {
                    String accountId = StateRecords.refreshTokenAccount(record.key(), kind);
                    if (accountId != null && accountIds.contains(accountId)) {
                        states.refreshToken(accountId, record.value());
                    }
                    return;
                }
                if (record.key() == null || !accountIds.contains(record.key())) {
                    return;
                }
                if (record.value() == null) {
                    states.deleted(record.key(), record.partition(), record.offset());
                    return;
                }
                try {
                    states.stored(AccountStateCodec.decode(record.value()), record.key());
                } catch (IllegalArgumentException e) {
                    states.unreadable(record.key(), "state record at " + stateTopic + "-" + record.partition()
                            + " offset " + record.offset() + " cannot be read (" + e.getMessage() + ")");
                }
            });
            checkEventTopic(reader, states, timeout);
        }
        RecoveredStates recovered = states.build();
        LOG.infof("Recovered %d account state(s) of partitions %s from %d state record(s)%s", recovered.states().size(),
                partitions, read, recovered.problems().isEmpty() ? "" : "; problems: " + recovered.problems());
        return recovered;
    }

    /** The stored state of one account, read from its state partition (after a commit with an unknown outcome). */
    public RecoveredStates recoverAccount(String accountId, int partitionCount, Duration timeout) {
        return recover(Set.of(AccountPartitions.partitionOf(accountId, partitionCount)), List.of(accountId), timeout,
                () -> true);
    }

    /** Events the state says were published must still be within the event topic's offsets. */
    private void checkEventTopic(TopicReader reader, RecoveredStates.Builder states, Duration timeout) {
        Map<TopicPartition, Long> needed = new HashMap<>();
        states.states().values().forEach(stored -> needed.merge(new TopicPartition(eventTopic,
                stored.eventPartition()), stored.eventOffset(), Math::max));
        if (needed.isEmpty()) {
            return;
        }
        Set<TopicPartition> known = Set.copyOf(reader.partitionsOf(eventTopic, timeout));
        Map<TopicPartition, Long> ends = reader.endOffsets(needed.keySet().stream().filter(known::contains)
                .toList(), timeout);
        for (StoredState stored : new TreeMap<>(states.states()).values()) {
            TopicPartition partition = new TopicPartition(eventTopic, stored.eventPartition());
            Long end = ends.get(partition);
            if (end == null || end <= stored.eventOffset()) {
                String problem = "event topic " + eventTopic + " is missing events the state says were published: "
                        + "event " + stored.published().sequence() + " of " + stored.accountId() + " was written at "
                        + partition + " offset " + stored.eventOffset() + " but the partition "
                        + (end == null ? "does not exist" : "ends at " + end)
                        + " (was the topic deleted or recreated?); the account continues with sequence "
                        + (stored.published().sequence() + 1);
                LOG.error(problem);
                states.missingEvents(stored.accountId(), problem);
            }
        }
    }
}
