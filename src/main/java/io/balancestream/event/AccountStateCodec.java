package io.balancestream.event;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;

import io.balancestream.balance.PublishedState;
import io.balancestream.state.avro.AccountState;

/**
 * The state topic's values: the internal {@code AccountState} schema (src/main/avro), always in Avro single-object
 * encoding whatever the event serializer is, so recovery never depends on a registry.
 */
public final class AccountStateCodec {

    /** One account's stored state: what it last published and where that event is. */
    public record StoredState(String accountId, PublishedState published, int eventPartition, long eventOffset) {
    }

    private AccountStateCodec() {
    }

    public static byte[] encode(StoredState stored, Instant publishedAt) {
        AccountState state = AccountState.newBuilder()
                .setAccountId(stored.accountId())
                .setSequence(stored.published().sequence())
                .setEventId(BalanceEventMapper.eventId(stored.accountId(), stored.published().sequence()))
                .setEventPartition(stored.eventPartition())
                .setEventOffset(stored.eventOffset())
                .setPublishedAt(Instant.ofEpochMilli(publishedAt.toEpochMilli()))
                .setSnapshot(BalanceEventMapper.toAvro(stored.published().snapshot()))
                .build();
        try {
            ByteBuffer buffer = AccountState.getEncoder().encode(state);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode the state of " + stored.accountId(), e);
        }
    }

    /**
     * @throws IllegalArgumentException when the bytes are not an AccountState this version can read
     */
    public static StoredState decode(byte[] bytes) {
        AccountState state;
        try {
            state = AccountState.getDecoder().decode(bytes);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not an AccountState record: " + e.getMessage(), e);
        }
        return new StoredState(state.getAccountId(), new PublishedState(BalanceEventMapper.fromAvro(
                state.getSnapshot()), state.getSequence()), state.getEventPartition(), state.getEventOffset());
    }
}
