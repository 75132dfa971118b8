package io.balancestream.state;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.SortedMap;
import java.util.TreeMap;

import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;

import io.balancestream.balance.AccountSummary;
import io.balancestream.balance.PublishedState;
import io.balancestream.event.BalanceEventMapper;
import io.balancestream.state.avro.AccountState;
import io.balancestream.state.avro.CurrencyState;

/**
 * The state topic's values: the internal {@code AccountState} schema (src/main/avro), always in Avro single-object
 * encoding whatever the event serializer is, so recovery never depends on a registry. Records written by earlier
 * versions of the service are read too: single-object encoding names the writer's schema by its fingerprint, and
 * the decoder knows every schema the state topic was ever written with ({@code src/main/resources/state/}).
 */
public final class AccountStateCodec {

    /** One account's stored state: what it last published and where that event is. */
    public record StoredState(String accountId, PublishedState published, int eventPartition, long eventOffset) {
    }

    /** Schemas of the state records earlier versions wrote, oldest first (the current one is the generated class's). */
    private static final String[] EARLIER_SCHEMAS = { "/state/AccountState-v1.avsc" };
    private static final BinaryMessageDecoder<AccountState> DECODER = decoder();

    private AccountStateCodec() {
    }

    private static BinaryMessageDecoder<AccountState> decoder() {
        BinaryMessageDecoder<AccountState> decoder = AccountState.createDecoder(null);
        for (String resource : EARLIER_SCHEMAS) {
            try (InputStream in = AccountStateCodec.class.getResourceAsStream(resource)) {
                decoder.addSchema(new Schema.Parser().parse(in));
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("cannot read the state schema " + resource, e);
            }
        }
        return decoder;
    }

    public static byte[] encode(StoredState stored, Instant publishedAt) {
        AccountSummary snapshot = stored.published().snapshot();
        AccountState state = AccountState.newBuilder()
                .setAccountId(stored.accountId())
                .setSequence(stored.published().sequence())
                .setEventId(BalanceEventMapper.eventId(stored.accountId(), stored.published().sequence()))
                .setEventPartition(stored.eventPartition())
                .setEventOffset(stored.eventOffset())
                .setPublishedAt(Instant.ofEpochMilli(publishedAt.toEpochMilli()))
                .setSnapshot(snapshot == null ? null : BalanceEventMapper.toAvro(snapshot))
                .setCurrencies(stored.published().currencies().entrySet().stream()
                        .map(entry -> new CurrencyState(entry.getKey(), BalanceEventMapper.toAvro(entry.getValue())))
                        .toList())
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
            state = DECODER.decode(bytes);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not an AccountState record: " + e.getMessage(), e);
        }
        SortedMap<String, AccountSummary> histories = new TreeMap<>();
        if (state.getSnapshot() != null) {
            histories.put(PublishedState.WHOLE_ACCOUNT, BalanceEventMapper.fromAvro(state.getSnapshot()));
        }
        for (CurrencyState currency : state.getCurrencies()) {
            histories.put(currency.getCurrency(), BalanceEventMapper.fromAvro(currency.getSnapshot()));
        }
        return new StoredState(state.getAccountId(), new PublishedState(histories, state.getSequence()),
                state.getEventPartition(), state.getEventOffset());
    }
}
