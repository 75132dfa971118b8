package io.balancestream.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import io.balancestream.events.PollTrigger;
import io.balancestream.balance.AccountSummary;
import io.balancestream.balance.BalanceTransition;
import io.balancestream.balance.BalanceChange;
import io.balancestream.balance.InvoiceSummaryParser;
import io.balancestream.balance.InvoiceTypeFigures;
import io.balancestream.balance.PublishedState;
import io.balancestream.balance.SummaryFigures;
import io.balancestream.config.Cloud;
import io.balancestream.config.PartnerAccount;
import io.balancestream.events.BalanceChanged;

class BalanceEventWireFormatTest {

    private static final PartnerAccount ACCOUNT = new PartnerAccount("contoso", "tenant-1", "client-1",
            "s3cret-value", Cloud.CHINA, Cloud.CHINA.apiUrl(), Cloud.CHINA.tokenUrl("tenant-1"), Cloud.CHINA.scope());
    private static final Instant DETECTED = Instant.parse("2026-11-25T10:15:30.123Z");

    private static AccountSummary sample() {
        return new InvoiceSummaryParser().parse("""
                {"balanceAmount": 751094.39, "currencyCode": "USD", "currencySymbol": "$",
                 "accountingDate": "2018-03-16T00:00:00", "lastPaymentDate": "0001-01-01T00:00:00",
                 "lastPaymentAmount": 1000, "latestInvoiceDate": "2018-03-16T00:00:00Z",
                 "details": [{"invoiceType": "Recurring", "summary": {"balanceAmount": 202955.87}},
                             {"invoiceType": "OneTime", "summary": {"balanceAmount": 548138.52}}]}
                """);
    }

    private static BalanceChanged event(AccountSummary previous, AccountSummary current, long sequence) {
        BalanceTransition transition = new BalanceTransition(previous, current,
                previous == null ? EnumSet.of(BalanceChange.FIRST_OBSERVATION)
                        : EnumSet.of(BalanceChange.INVOICE_TYPE_BALANCE, BalanceChange.BALANCE),
                sequence);
        return BalanceEventMapper.toEvent(ACCOUNT, transition, "req-1", "corr-1", DETECTED, PollTrigger.SCHEDULE);
    }

    @Test
    void mapsEveryFieldOfTheTransition() {
        AccountSummary previous = sample();
        AccountSummary current = new AccountSummary(new SummaryFigures(new BigDecimal("1.5"), "USD", "$", null,
                null, null, null, null), List.of(new InvoiceTypeFigures("Recurring",
                        new SummaryFigures(new BigDecimal("1.5"), "USD", null, null, null, null, null, null))));
        BalanceChanged event = event(previous, current, 7);

        assertThat(event.getEventId()).isEqualTo(BalanceEventMapper.eventId("contoso", 7));
        assertThat(event.getAccountId()).isEqualTo("contoso");
        assertThat(event.getTenantId()).isEqualTo("tenant-1");
        assertThat(event.getCloud().name()).isEqualTo("CHINA");
        assertThat(event.getSequence()).isEqualTo(7);
        assertThat(event.getDetectedAt()).isEqualTo(DETECTED);
        assertThat(event.getChanges()).extracting(Enum::name).containsExactly("BALANCE", "INVOICE_TYPE_BALANCE");
        assertThat(event.getRequestId()).isEqualTo("req-1");
        assertThat(event.getCorrelationId()).isEqualTo("corr-1");
        assertThat(event.getPrevious().getBalanceAmount()).isEqualTo(new BigDecimal("751094.390000000"));
        assertThat(event.getPrevious().getLastPaymentDate()).isNull();
        assertThat(event.getPrevious().getInvoiceTypes()).extracting(t -> t.getInvoiceType())
                .containsExactly("OneTime", "Recurring");
        assertThat(event.getCurrent().getBalanceAmount()).isEqualTo(new BigDecimal("1.500000000"));
        assertThat(event.getCurrent().getLatestInvoiceDate()).isNull();
        assertThat(event.toString()).doesNotContain("s3cret-value");
    }

    @Test
    void aMultiCurrencyEventNamesItsCurrencyAndARemovedCurrencyRepeatsItsLastState() {
        AccountSummary eur = new InvoiceSummaryParser().parseSummaries("{\"items\": [{\"balanceAmount\": 48211.93, "
                + "\"currencyCode\": \"EUR\"}]}").histories().get("EUR");
        java.util.TreeMap<String, AccountSummary> after = new java.util.TreeMap<>();
        BalanceChanged removed = BalanceEventMapper.toEvent(ACCOUNT, new BalanceTransition("EUR", eur, eur,
                EnumSet.of(BalanceChange.CURRENCY_REMOVED), new PublishedState(after, 5)), "req-2", "corr-2", DETECTED,
                PollTrigger.SCHEDULE);

        assertThat(removed.getCurrency()).isEqualTo("EUR");
        assertThat(removed.getChanges()).extracting(Enum::name).containsExactly("CURRENCY_REMOVED");
        assertThat(removed.getCurrent()).isEqualTo(removed.getPrevious());
        assertThat(removed.getCurrent().getBalanceAmount()).isEqualTo(new BigDecimal("48211.930000000"));
        assertThat(event(null, sample(), 1).getCurrency()).as("a single-summary account's event").isNull();
        assertThatThrownBy(() -> BalanceEventMapper.toPublishedState(removed))
                .hasMessageContaining("one currency of a multi-currency account");
    }

    @Test
    void eventIdIsDeterministicPerAccountAndSequence() {
        assertThat(BalanceEventMapper.eventId("contoso", 3)).isEqualTo(BalanceEventMapper.eventId("contoso", 3))
                .isNotEqualTo(BalanceEventMapper.eventId("contoso", 4))
                .isNotEqualTo(BalanceEventMapper.eventId("fabrikam", 3));
    }

    @Test
    void publishedStateRoundTripsThroughTheEvent() {
        AccountSummary current = sample();
        BalanceChanged decoded = new BalanceChangedDeserializer().deserialize("t",
                new BalanceChangedSerializer().serialize("t", event(null, current, 1)));
        PublishedState recovered = BalanceEventMapper.toPublishedState(decoded);
        assertThat(recovered.sequence()).isEqualTo(1);
        // Equal by value: nothing is due when the same summary is polled after a restart.
        assertThat(new io.balancestream.balance.ChangeDetector().detect(recovered, current)).isEmpty();
    }

    @Test
    void refusesAmountsTheSchemaCannotHoldInsteadOfRounding() {
        assertThat(BalanceEventMapper.wireAmount(new BigDecimal("12345678901234567890123456789.123456789"), "x"))
                .isEqualByComparingTo("12345678901234567890123456789.123456789");
        assertThatThrownBy(() -> BalanceEventMapper.wireAmount(new BigDecimal("0.0000000001"), "balanceAmount"))
                .isInstanceOf(UnrepresentableAmountException.class).hasMessageContaining("balanceAmount");
        assertThatThrownBy(() -> BalanceEventMapper.wireAmount(new BigDecimal("123456789012345678901234567890"), "x"))
                .isInstanceOf(UnrepresentableAmountException.class).hasMessageContaining("integer digits");
    }

    @Test
    void wireFormatIsSingleObjectEncodingReadableWithOnlyTheSchemaFile() throws IOException {
        BalanceChanged event = event(sample(), sample(), 2);
        RecordHeaders headers = new RecordHeaders();
        byte[] bytes = new BalanceChangedSerializer().serialize("topic", headers, event);

        Schema contract = new Schema.Parser().parse(Path.of("avro", "BalanceChanged.avsc").toFile());
        long fingerprint = SchemaNormalization.parsingFingerprint64(contract);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(buffer.get()).isEqualTo((byte) 0xC3);
        assertThat(buffer.get()).isEqualTo((byte) 0x01);
        assertThat(buffer.getLong()).isEqualTo(fingerprint);

        GenericData model = new GenericData();
        model.addLogicalTypeConversion(new org.apache.avro.Conversions.DecimalConversion());
        GenericRecord generic = new GenericDatumReader<GenericRecord>(contract, contract, model)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 10, bytes.length - 10, null));
        assertThat(generic.get("accountId").toString()).isEqualTo("contoso");
        assertThat(((GenericRecord) generic.get("current")).get("balanceAmount"))
                .isEqualTo(new BigDecimal("751094.390000000"));

        assertThat(new String(headers.lastHeader(EventHeaders.CONTENT_TYPE).value(), StandardCharsets.UTF_8))
                .isEqualTo(EventHeaders.SINGLE_OBJECT_CONTENT_TYPE);
        assertThat(new String(headers.lastHeader(EventHeaders.SCHEMA_FINGERPRINT).value(), StandardCharsets.UTF_8))
                .isEqualTo(String.format("%016x", fingerprint));
        assertThat(new String(headers.lastHeader(EventHeaders.EVENT_ID).value(), StandardCharsets.UTF_8))
                .isEqualTo(event.getEventId());
    }

    @Test
    void deserializerRejectsForeignPayloadsClearly() {
        assertThatThrownBy(() -> new BalanceChangedDeserializer().deserialize("topic", "{}".getBytes()))
                .isInstanceOf(org.apache.kafka.common.errors.SerializationException.class)
                .hasMessageContaining("single-object");
    }
}
