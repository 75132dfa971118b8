package io.balancestream.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /v1/invoices/summaries}: a collection of InvoiceSummary, one per currency. */
class InvoiceSummariesParserTest {

    private final InvoiceSummaryParser parser = new InvoiceSummaryParser();

    /** The simulator's three-currency body, shaped like the documentation's sample (GBP, CHF, EUR). */
    private static String threeCurrencies() {
        return InvoiceSummaryParserTest.resource("/simulator/invoice-summaries-sample.json");
    }

    @Test
    void readsEveryCurrencyExactly() {
        Observation observation = parser.parseSummaries(threeCurrencies());

        assertThat(observation.perCurrency()).isTrue();
        assertThat(observation.histories()).containsOnlyKeys("CHF", "EUR", "GBP");
        AccountSummary gbp = observation.histories().get("GBP");
        assertThat(gbp.total().balanceAmount()).isEqualByComparingTo("12904.57");
        assertThat(gbp.total().currencySymbol()).isEqualTo("£");
        assertThat(gbp.total().latestInvoiceDate()).isEqualTo(Instant.parse("2024-03-01T00:00:00Z"));
        AccountSummary chf = observation.histories().get("CHF");
        assertThat(chf.total().balanceAmount()).isEqualByComparingTo("3870.10");
        assertThat(chf.invoiceTypes()).extracting(type -> type.figures().balanceAmount())
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("750.00"), new BigDecimal("3120.10"));
        assertThat(chf.invoiceTypes().get(0).figures().lastPaymentDate()).as("0001-01-01T00:00:00 is never").isNull();
        assertThat(observation.histories().get("EUR").total().latestInvoiceDate())
                .isEqualTo(Instant.parse("2024-02-29T00:00:00Z"));
    }

    @Test
    void anEmptyCollectionHasNoCurrencyAndTheOlderArrayNameIsRead() {
        assertThat(parser.parseSummaries("{\"totalCount\": 0, \"items\": []}").histories()).isEmpty();
        assertThat(parser.parseSummaries("{\"collectionOfSummary\": [{\"balanceAmount\": 1, \"currencyCode\": "
                + "\"NOK\"}]}").histories()).containsOnlyKeys("NOK");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{}",
            "[]",
            "{\"items\": {}}",
            "{\"items\": [1]}",
            "{\"items\": [{\"balanceAmount\": 1}]}",
            "{\"items\": [{\"currencyCode\": \"EUR\"}]}",
            "{\"items\": [{\"balanceAmount\": 1, \"currencyCode\": \"  \"}]}",
            "{\"items\": [{\"balanceAmount\": 1, \"currencyCode\": \"EUR\"}, {\"balanceAmount\": 2, \"currencyCode\": \"eur\"}]}",
            "{\"totalCount\": 2, \"items\": [{\"balanceAmount\": 1, \"currencyCode\": \"EUR\"}]}",
            "{\"totalCount\": \"1\", \"items\": [{\"balanceAmount\": 1, \"currencyCode\": \"EUR\"}]}",
            "{\"items\": [{\"balanceAmount\": 1.5e-40, \"currencyCode\": \"EUR\"}]}" })
    void rejectsWhatIsNotAUsableCollection(String body) {
        assertThatThrownBy(() -> parser.parseSummaries(body)).isInstanceOf(InvalidSummaryException.class)
                .hasMessageNotContaining("Exception");
    }

    @Test
    void rejectionSaysWhichItemIsWrong() {
        assertThatThrownBy(() -> parser.parseSummaries("{\"items\": [{\"balanceAmount\": 1, \"currencyCode\": \"GBP\"},"
                + " {\"balanceAmount\": 2, \"currencyCode\": \"EUR\", \"details\": [{\"invoiceType\": \"Recurring\","
                + " \"summary\": {\"balanceAmount\": \"x\"}}]}]}"))
                .hasMessage("items[1].details[0].summary.balanceAmount is not a number");
        assertThatThrownBy(() -> parser.parseSummaries("{\"totalCount\": 3, \"items\": []}"))
                .hasMessageContaining("totalCount is 3 but items holds 0 summaries");
    }
}
