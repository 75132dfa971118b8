package io.balancestream.ownership;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;

/**
 * One consistent view of what this instance owns, replaced as a whole at every ownership change: the group member
 * (its id and generation, the proof Kafka checks at the offset commit), the partitions of the state topic it owns
 * with the epoch each was gained in, and the spread the accounts are hashed with. A transaction takes one snapshot and
 * checks every request against it; Kafka's coordinator checks the generation, but not which partitions the member
 * owns in it, so that check is ours.
 * <p>
 * An epoch names one period of owning a partition: it starts when the group assigns the partition and ends when the
 * partition is revoked or lost. Gaining the partition again starts a new epoch, so a request made under the old one
 * can never be published under the new one (its loop's baseline may be older than what recovery read since).
 *
 * @param group  the member's group metadata; null before it joined
 * @param spread how accounts are spread over the topics; null before the group assigned partitions
 * @param epochs the epoch of each owned state partition
 */
public record OwnershipSnapshot(ConsumerGroupMetadata group, PartitionSpread spread, Map<Integer, Long> epochs) {

    /** The epoch of no ownership: never held. */
    public static final long NONE = 0;

    public static final OwnershipSnapshot EMPTY = new OwnershipSnapshot(null, null, Map.of());

    public OwnershipSnapshot {
        epochs = Map.copyOf(epochs);
        if (epochs.values().stream().anyMatch(epoch -> epoch <= NONE)) {
            throw new IllegalArgumentException("an ownership epoch is positive: " + epochs);
        }
        if (!epochs.isEmpty() && spread == null) {
            throw new IllegalArgumentException("owned partitions without a spread: " + epochs.keySet());
        }
    }

    /**
     * Whether a transaction may commit under this snapshot at all: the member is in the group with a real generation.
     * A generation below 0 (not joined, or a membership that was reset) makes the coordinator check nothing.
     */
    public boolean canCommit() {
        return group != null && group.generationId() >= 0 && spread != null;
    }

    /** The epoch in which this instance owns the account's partition, or {@link #NONE}. */
    public long epochOf(String accountId) {
        if (spread == null) {
            return NONE;
        }
        return epochs.getOrDefault(AccountPartitions.partitionOf(accountId, spread.statePartitions()), NONE);
    }

    /** True when a request for the account made in {@code epoch} may commit in a transaction under this snapshot. */
    public boolean holds(String accountId, long epoch) {
        return canCommit() && epoch != NONE && epochOf(accountId) == epoch;
    }

    public Set<Integer> partitions() {
        return new TreeSet<>(epochs.keySet());
    }

    /** The same ownership under the member's newer group metadata (a heartbeat or rebalance changed it). */
    public OwnershipSnapshot withGroup(ConsumerGroupMetadata newer) {
        return new OwnershipSnapshot(newer, spread, epochs);
    }
}
