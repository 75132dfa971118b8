package io.balancestream.ownership;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;

/**
 * Which partition an account belongs to: Kafka's own hash of the record key (murmur2 of the UTF-8 account id, as the
 * producer's default partitioner computes it), so an account's state record, its ownership and (with the same
 * partition count) its events all land on the same partition number. The counts are those of {@link PartitionSpread}.
 */
public final class AccountPartitions {

    private AccountPartitions() {
    }

    public static int partitionOf(String accountId, int partitionCount) {
        if (partitionCount < 1) {
            throw new IllegalArgumentException("a topic has at least one partition, was " + partitionCount);
        }
        return BuiltInPartitioner.partitionForKey(accountId.getBytes(StandardCharsets.UTF_8), partitionCount);
    }

    /** The accounts among {@code accountIds} that belong to one of {@code partitions}. */
    public static Set<String> accountsOf(Collection<Integer> partitions, int partitionCount,
            Collection<String> accountIds) {
        return accountIds.stream().filter(id -> partitions.contains(partitionOf(id, partitionCount)))
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }
}
