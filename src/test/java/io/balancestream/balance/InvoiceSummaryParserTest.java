package io.balancestream.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class InvoiceSummaryParserTest {

    private final InvoiceSummaryParser parser = new InvoiceSummaryParser();

    static String seedSample() {
        return resource("/seed/invoice-summary.json");
    }

    /** A class-path resource as UTF-8 text. */
    static String resource(String path) {
        try (InputStream in = InvoiceSummaryParserTest.class.getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void parsesTheDocumentedSampleExactly() {
        AccountSummary snapshot = parser.parse(seedSample());

        SummaryFigures total = snapshot.total();
        assertThat(total.balanceAmount()).isEqualTo(new BigDecimal("751094.39"));
        assertThat(total.currencyCode()).isEqualTo("USD");
        assertThat(total.currencySymbol()).isEqualTo("$");
        assertThat(total.accountingDate()).isEqualTo(Instant.parse("2018-03-16T00:00:00Z"));
        assertThat(total.firstInvoiceCreationDate()).isEqualTo(Instant.parse("2017-01-21T00:00:00Z"));
        assertThat(total.lastPaymentDate()).isEqualTo(Instant.parse("2017-01-01T12:00:00Z"));
        assertThat(total.lastPaymentAmount()).isEqualTo(new BigDecimal("1000"));
        assertThat(total.latestInvoiceDate()).isEqualTo(Instant.parse("2018-03-16T00:00:00Z"));

        assertThat(snapshot.invoiceTypes()).extracting(InvoiceTypeFigures::invoiceType)
                .containsExactly("OneTime", "Recurring");
        SummaryFigures oneTime = snapshot.invoiceTypes().get(0).figures();
        assertThat(oneTime.balanceAmount()).isEqualTo(new BigDecimal("548138.52"));
        assertThat(oneTime.lastPaymentDate()).as("0001-01-01T00:00:00 is never").isNull();
        assertThat(oneTime.lastPaymentAmount()).isEqualTo(new BigDecimal("0"));
        assertThat(oneTime.firstInvoiceCreationDate()).isEqualTo(Instant.parse("2018-03-16T00:00:00Z"));
        SummaryFigures recurring = snapshot.invoiceTypes().get(1).figures();
        assertThat(recurring.balanceAmount()).isEqualTo(new BigDecimal("202955.87"));
        assertThat(recurring.latestInvoiceDate()).isNull();
        assertThat(recurring.accountingDate()).isEqualTo(Instant.parse("2017-02-27T00:00:00Z"));
    }

    @Test
    void keepsEveryDigitOfLargeAmounts() {
        AccountSummary snapshot = parser.parse("""
                {"balanceAmount": 12345678901234567.89, "currencyCode": "EUR", "lastPaymentAmount": 0.000000001}
                """);
        assertThat(snapshot.total().balanceAmount().toPlainString()).isEqualTo("12345678901234567.89");
        assertThat(snapshot.total().lastPaymentAmount().toPlainString()).isEqualTo("0.000000001");
    }

    @Test
    void readsExponentNotationExactly() {
        assertThat(parser.parse("{\"balanceAmount\": 1.5E+3, \"currencyCode\": \"USD\"}").total().balanceAmount())
                .isEqualByComparingTo("1500");
    }

    @ParameterizedTest
    @CsvSource({
            "2018-03-16T00:00:00, 2018-03-16T00:00:00Z",
            "2018-03-16T00:00:00Z, 2018-03-16T00:00:00Z",
            "2018-03-16T00:00:00z, 2018-03-16T00:00:00Z",
            "2018-03-16T01:30:00+01:00, 2018-03-16T00:30:00Z",
            "2018-03-16T00:00:00-05:00, 2018-03-16T05:00:00Z",
            "2018-03-16T00:00:00.1234567, 2018-03-16T00:00:00.1234567Z",
            "2018-03-16T00:00:00.5Z, 2018-03-16T00:00:00.5Z" })
    void readsDatesWithAndWithoutOffsetAsUtc(String sent, String expected) {
        assertThat(InvoiceSummaryParser.parseDate(sent)).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = { "0001-01-01T00:00:00", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00.0000000" })
    void readsDotNetMinValueAsNever(String sent) {
        assertThat(InvoiceSummaryParser.parseDate(sent)).isNull();
    }

    @Test
    void missingAndNullOptionalFieldsAreNull() {
        AccountSummary snapshot = parser.parse("""
                {"balanceAmount": 10, "currencyCode": "USD", "currencySymbol": null, "latestInvoiceDate": null}
                """);
        assertThat(snapshot.total().currencySymbol()).isNull();
        assertThat(snapshot.total().latestInvoiceDate()).isNull();
        assertThat(snapshot.total().accountingDate()).isNull();
        assertThat(snapshot.total().lastPaymentAmount()).isNull();
        assertThat(snapshot.invoiceTypes()).isEmpty();
    }

    @Test
    void toleratesUnknownFieldsAndCarriesUnknownInvoiceTypes() {
        AccountSummary snapshot = parser.parse("""
                {"balanceAmount": 30, "currencyCode": "USD", "newTopLevelField": {"nested": [1, 2]},
                 "details": [
                   {"invoiceType": "perpetual", "summary": {"balanceAmount": 10, "futureField": true}, "extra": 1},
                   {"invoiceType": "one_time", "summary": {"balanceAmount": 20, "currencyCode": "USD"}}
                 ],
                 "links": {"self": {"uri": "/invoices/summary"}}, "attributes": {"objectType": "InvoiceSummary"}}
                """);
        assertThat(snapshot.invoiceTypes()).extracting(InvoiceTypeFigures::invoiceType)
                .containsExactly("one_time", "perpetual");
        assertThat(snapshot.invoiceTypes().get(1).figures().balanceAmount()).isEqualByComparingTo("10");
        assertThat(snapshot.invoiceTypes().get(1).figures().currencyCode()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "   ",
            "{}",
            "[]",
            "null",
            "42",
            "\"text\"",
            "<html><body><h1>Service Unavailable</h1></body></html>",
            "{\"balanceAmount\": 12.5, \"currencyCo",
            "{\"currencyCode\": \"USD\"}",
            "{\"balanceAmount\": 10}",
            "{\"balanceAmount\": null, \"currencyCode\": \"USD\"}",
            "{\"balanceAmount\": \"10.00\", \"currencyCode\": \"USD\"}",
            "{\"balanceAmount\": 10, \"currencyCode\": 840}",
            "{\"balanceAmount\": NaN, \"currencyCode\": \"USD\"}",
            "{\"balanceAmount\": 10, \"currencyCode\": \"USD\", \"accountingDate\": \"yesterday\"}",
            "{\"balanceAmount\": 10, \"currencyCode\": \"USD\", \"accountingDate\": 1521158400}",
            "{\"balanceAmount\": 10, \"currencyCode\": \"USD\", \"details\": {}}",
            "{\"balanceAmount\": 10, \"currencyCode\": \"USD\", \"details\": [42]}",
            "{\"balanceAmount\": 10, \"currencyCode\": \"USD\", \"details\": [{\"summary\": {\"balanceAmount\": 1}}]}",
            "{\"balanceAmount\": 10, \"currencyCode\": \"USD\", \"details\": [{\"invoiceType\": \"Recurring\"}]}",
            "{\"balanceAmount\": 10, \"currencyCode\": \"USD\", \"details\": [{\"invoiceType\": \"Recurring\", \"summary\": {}}]}",
            "{\"balanceAmount\": 10, \"currencyCode\": \"USD\", \"details\": [{\"invoiceType\": \"OneTime\", \"summary\": {\"balanceAmount\": 1}}, {\"invoiceType\": \"one_time\", \"summary\": {\"balanceAmount\": 2}}]}",
            "{\"balanceAmount\": 10, \"currencyCode\": \"USD\"} trailing",
            "{\"balanceAmount\": 1e999999, \"currencyCode\": \"USD\"}",
            "{\"balanceAmount\": 11.5e3000000000, \"currencyCode\": \"USD\"}",
            "{\"balanceAmount\": 123456789012345678901234567890, \"currencyCode\": \"USD\"}",
            "{\"balanceAmount\": 1e-40, \"currencyCode\": \"USD\"}",
            "{\"balanceAmount\": 10, \"currencyCode\": \"USD\"}{\"balanceAmount\": 11}",
            "{\"balanceAmount\": 10, \"currencyCode\": \"USD\", \"balanceAmount\": 99}",
            "{\"balanceAmount\": 10, \"currencyCode\": \"USD\", \"details\": [{\"invoiceType\": \"Recurring\", \"summary\": {\"balanceAmount\": 1, \"balanceAmount\": 2}}]}" })
    void rejectsWhatIsNotAUsableSummary(String body) {
        assertThatThrownBy(() -> parser.parse(body)).isInstanceOf(InvalidSummaryException.class)
                .hasMessageNotContaining("Exception");
    }

    @Test
    void rejectionSaysWhatIsWrong() {
        assertThatThrownBy(() -> parser.parse("{\"currencyCode\": \"USD\"}"))
                .hasMessage("balanceAmount is missing");
        assertThatThrownBy(() -> parser.parse("{\"balanceAmount\": 1, \"currencyCode\": \"USD\", \"details\": "
                + "[{\"invoiceType\": \"Recurring\", \"summary\": {\"balanceAmount\": \"x\"}}]}"))
                .hasMessage("details[0].summary.balanceAmount is not a number");
        assertThatThrownBy(() -> parser.parse("<html>")).hasMessageStartingWith("body is not JSON (starts with \"<html>\")");
    }

    @Test
    void rejectsOversizedBodies() {
        String huge = "{\"balanceAmount\": 1, \"currencyCode\": \"USD\", \"padding\": \""
                + "x".repeat(InvoiceSummaryParser.MAX_BODY_BYTES) + "\"}";
        assertThatThrownBy(() -> parser.parse(huge)).isInstanceOf(InvalidSummaryException.class)
                .hasMessageContaining("more than");
    }
}
