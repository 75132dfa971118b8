package io.balancestream.ownership;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;

/**
 * Which partition an account belongs to: Kafka's own hash of the record key (murmur2 of the UTF-8 account id, as the
 * producer's default partitioner computes it), so an account's state record, its ownership and (with the same
 * partition count) its events all land on the same partition number.
 * <p>
 * The count accounts are spread over is the one their states were written with, not the topic's count of today:
 * Kafka lets an operator add partitions to a topic, and with the topic's new count an account would map to a partition
 * that does not hold its state (its new owner would start its sequence again while its old owner still polls it).
 * Every transaction's group offsets carry the count it used ({@link #mark}); the smallest count found there decides.
 */
public final class AccountPartitions {

    private static final String MARK = "balance-stream.accounts-over=";

    private AccountPartitions() {
    }

    public static int partitionOf(String accountId, int partitionCount) {
        if (partitionCount < 1) {
            throw new IllegalArgumentException("a topic has at least one partition, was " + partitionCount);
        }
        return BuiltInPartitioner.partitionForKey(accountId.getBytes(StandardCharsets.UTF_8), partitionCount);
    }

    /** The group offset metadata that records the count a transaction spread its accounts over. */
    public static String mark(int partitionCount) {
        return MARK + partitionCount;
    }

    /**
     * The count to spread accounts over: the smallest count recorded in the group's committed offsets (see
     * {@link #mark}) that the topic still has, else the topic's own count (no state written yet, or only by a version
     * that recorded none).
     *
     * @param metadata        the metadata of the group's committed offsets on the state topic (nulls allowed)
     * @param topicPartitions the state topic's partitions now
     */
    public static int spreadOver(Collection<String> metadata, int topicPartitions) {
        return metadata.stream().filter(Objects::nonNull).filter(m -> m.startsWith(MARK))
                .map(m -> m.substring(MARK.length())).filter(n -> n.matches("[1-9][0-9]{0,5}"))
                .map(Integer::parseInt).filter(n -> n <= topicPartitions)
                .min(Integer::compare).orElse(topicPartitions);
    }

    /** The accounts among {@code accountIds} that belong to one of {@code partitions}. */
    public static Set<String> accountsOf(Collection<Integer> partitions, int partitionCount,
            Collection<String> accountIds) {
        return accountIds.stream().filter(id -> partitions.contains(partitionOf(id, partitionCount)))
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }
}
