package io.balancestream.balance;

import java.util.Objects;

/** The last state of an account that reached Kafka, with the sequence number of the event that carried it. */
public record PublishedState(BalanceSnapshot snapshot, long sequence) {

    public PublishedState {
        Objects.requireNonNull(snapshot, "snapshot");
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence starts at 1, was " + sequence);
        }
    }
}
