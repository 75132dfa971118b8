package io.balancestream.ownership;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;

/** What the publisher needs to know about ownership: whether an account is ours, and the proof to commit with. */
public interface Ownership {

    boolean owns(String accountId);

    /** Sent with every transaction: Kafka refuses the commit when it is stale. Null before joining the group. */
    ConsumerGroupMetadata groupMetadata();

    /** How many partitions of each topic accounts are spread over; null before the group assigned any. */
    PartitionSpread spread();
}
