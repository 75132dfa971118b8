package io.balancestream.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.TreeMap;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import io.balancestream.balance.AccountSummary;
import io.balancestream.balance.InvoiceSummaryParser;
import io.balancestream.balance.PublishedState;
import io.balancestream.event.BalanceEventMapper;
import io.balancestream.state.AccountStateCodec.StoredState;

/** The state topic's records: what recovery reads back, including records written by earlier versions. */
class AccountStateCodecTest {

    private static final Instant AT = Instant.parse("2026-11-29T10:00:00Z");

    private static AccountSummary summary(String currency, String balance) {
        return new InvoiceSummaryParser().parse("{\"balanceAmount\": " + balance + ", \"currencyCode\": \"" + currency
                + "\", \"latestInvoiceDate\": \"2024-03-01T00:00:00\", \"details\": [{\"invoiceType\": \"Recurring\", "
                + "\"summary\": {\"balanceAmount\": " + balance + "}}]}");
    }

    @Test
    void aMultiCurrencyAccountsStateRoundTripsEveryCurrency() {
        TreeMap<String, AccountSummary> currencies = new TreeMap<>();
        currencies.put("CHF", summary("CHF", "3870.10"));
        currencies.put("EUR", summary("EUR", "48211.93"));
        currencies.put("GBP", summary("GBP", "12904.57"));
        StoredState stored = new StoredState("contoso-eu", new PublishedState(currencies, 3), 2, 41);

        StoredState decoded = AccountStateCodec.decode(AccountStateCodec.encode(stored, AT));

        assertThat(decoded.published().sequence()).isEqualTo(3);
        assertThat(decoded.published().snapshot()).isNull();
        assertThat(decoded.published().currencies()).containsOnlyKeys("CHF", "EUR", "GBP");
        assertThat(decoded.published().currencies().get("CHF").total().balanceAmount())
                .isEqualByComparingTo("3870.10");
        assertThat(decoded.eventPartition()).isEqualTo(2);
        assertThat(decoded.eventOffset()).isEqualTo(41);
    }

    @Test
    void aSingleSummaryAccountsStateRoundTrips() {
        StoredState stored = new StoredState("contoso", new PublishedState(summary("USD", "751094.39"), 9), 0, 7);
        assertThat(AccountStateCodec.decode(AccountStateCodec.encode(stored, AT)).published())
                .isEqualTo(new PublishedState(BalanceEventMapper.fromAvro(BalanceEventMapper.toAvro(
                        summary("USD", "751094.39"))), 9));
    }

    /** Written by a version before multi-currency (state schema 1): an upgrade must not lose any account's state. */
    @Test
    void readsRecordsWrittenWithTheFirstStateSchema() throws IOException {
        Schema v1;
        try (InputStream in = getClass().getResourceAsStream("/state/AccountState-v1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        GenericRecord record = new GenericRecordBuilder(v1)
                .set("accountId", "contoso").set("sequence", 12L)
                .set("eventId", BalanceEventMapper.eventId("contoso", 12)).set("eventPartition", 1)
                .set("eventOffset", 99L).set("publishedAt", AT.toEpochMilli())
                .set("snapshot", asV1Snapshot(v1, summary("USD", "751094.39")))
                .build();
        ByteBuffer written = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(record);
        byte[] bytes = new byte[written.remaining()];
        written.get(bytes);

        StoredState decoded = AccountStateCodec.decode(bytes);

        assertThat(decoded.accountId()).isEqualTo("contoso");
        assertThat(decoded.published().sequence()).isEqualTo(12);
        assertThat(decoded.published().snapshot().total().balanceAmount()).isEqualByComparingTo("751094.39");
        assertThat(decoded.published().currencies()).isEmpty();
        assertThat(decoded.eventOffset()).isEqualTo(99);
    }

    @Test
    void bytesOfNoKnownStateSchemaAreRefusedClearly() {
        assertThatThrownBy(() -> AccountStateCodec.decode(new byte[] { (byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0 }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not an AccountState record");
    }

    /** The snapshot as the first schema's generic record: written with today's class, read with that schema. */
    private static GenericRecord asV1Snapshot(Schema v1, AccountSummary snapshot) throws IOException {
        var avro = BalanceEventMapper.toAvro(snapshot);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(io.balancestream.events.BalanceSnapshot.class).write(avro, encoder);
        encoder.flush();
        Schema snapshotSchema = v1.getField("snapshot").schema();
        return new GenericDatumReader<GenericRecord>(avro.getSchema(), snapshotSchema)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }

}
