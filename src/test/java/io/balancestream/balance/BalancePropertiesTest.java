package io.balancestream.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of the parser and the change detector over generated summaries and garbage. */
class BalancePropertiesTest {

    private final InvoiceSummaryParser parser = new InvoiceSummaryParser();
    private final ChangeDetector detector = new ChangeDetector();

    /** A generated summary and its JSON text, so the test knows what the parser must find. */
    record Generated(String json, BigDecimal balance, List<String> types, List<BigDecimal> typeBalances) {
    }

    @Property(tries = 500)
    void garbageIsRejectedWithTheProductsOwnErrorOnly(@ForAll("garbage") String body) {
        assertThatCode(() -> parseOrReject(body)).doesNotThrowAnyException();
    }

    @Property(tries = 300)
    void mutatedSummariesAreParsedOrRejectedNeverCrash(@ForAll("summaries") Generated summary,
            @ForAll("mutationPoint") double where, @ForAll("junk") String junk) {
        int at = (int) (where * summary.json().length());
        String mutated = summary.json().substring(0, at) + junk + summary.json().substring(at);
        assertThatCode(() -> parseOrReject(mutated)).doesNotThrowAnyException();
    }

    /** Parses, or fails with the product's own rejection: the only failure the parser may have. */
    private void parseOrReject(String body) {
        try {
            parser.parse(body);
        } catch (InvalidSummaryException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 300)
    void amountsArriveExactly(@ForAll("summaries") Generated summary) {
        BalanceSnapshot snapshot = parser.parse(summary.json());
        assertThat(snapshot.total().balanceAmount()).isEqualByComparingTo(summary.balance());
        assertThat(snapshot.invoiceTypes()).hasSize(summary.types().size());
        for (int i = 0; i < summary.types().size(); i++) {
            String type = summary.types().get(i);
            BigDecimal expected = summary.typeBalances().get(i);
            assertThat(snapshot.invoiceTypes()).filteredOn(t -> t.invoiceType().equals(type)).singleElement()
                    .satisfies(t -> assertThat(t.figures().balanceAmount()).isEqualByComparingTo(expected));
        }
    }

    @Property(tries = 300)
    void detectionIsDeterministic(@ForAll("summaries") Generated a, @ForAll("summaries") Generated b) {
        PublishedState published = new PublishedState(parser.parse(a.json()), 5);
        BalanceSnapshot current = parser.parse(b.json());
        Optional<BalanceTransition> first = detector.detect(published, current);
        Optional<BalanceTransition> second = detector.detect(published, parser.parse(b.json()));
        assertThat(second.map(BalanceTransition::changes)).isEqualTo(first.map(BalanceTransition::changes));
    }

    @Property(tries = 300)
    void aStateIsNeverAChangeFromItself(@ForAll("summaries") Generated a) {
        assertThat(detector.detect(new PublishedState(parser.parse(a.json()), 1), parser.parse(a.json()))).isEmpty();
    }

    @Property(tries = 300)
    void thereAndBackAgainIsTwoEvents(@ForAll("summaries") Generated a, @ForAll("summaries") Generated b) {
        BalanceSnapshot stateA = parser.parse(a.json());
        BalanceSnapshot stateB = parser.parse(b.json());
        Optional<BalanceTransition> there = detector.detect(new PublishedState(stateA, 1), stateB);
        if (there.isEmpty()) {
            assertThat(detector.detect(new PublishedState(stateB, 1), stateA)).as("change is symmetric").isEmpty();
            return;
        }
        Optional<BalanceTransition> back = detector.detect(there.get().published(), stateA);
        assertThat(back).isPresent();
        assertThat(back.get().changes()).isEqualTo(there.get().changes());
        assertThat(back.get().sequence()).isEqualTo(3);
    }

    @Provide
    Arbitrary<String> garbage() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(200),
                Arbitraries.strings().withChars("{}[]\":,0123456789.eE+-nultrufalsZT ").ofMaxLength(120),
                Arbitraries.of("{", "}", "[]", "{\"balanceAmount\":}", "{\"balanceAmount\":1e999999,\"currencyCode\":\"X\"}",
                        "{\"balanceAmount\":" + "9".repeat(5000) + ",\"currencyCode\":\"X\"}",
                        "{\"details\":[{\"summary\":null}]}", "\u0000", "\uFEFF{}"));
    }

    @Provide
    Arbitrary<Double> mutationPoint() {
        return Arbitraries.doubles().between(0, 1);
    }

    @Provide
    Arbitrary<String> junk() {
        return Arbitraries.of("", ",", "}", "{", "\"", "null", "-", "0001-01-01T00:00:00", "\"x\":1,", "]", "1.5e3");
    }

    @Provide
    Arbitrary<Generated> summaries() {
        Arbitrary<BigDecimal> amounts = Arbitraries.integers().between(0, 9).flatMap(scale -> Arbitraries
                .bigDecimals().between(new BigDecimal("-1e20"), new BigDecimal("1e20")).ofScale(scale));
        Arbitrary<BigDecimal> balances = Arbitraries.oneOf(amounts,
                Arbitraries.of(BigDecimal.ZERO, new BigDecimal("0.01"), new BigDecimal("12345678901234567.89")));
        Arbitrary<String> typeNames = Arbitraries.of("Recurring", "OneTime", "one_time", "recurring", "perpetual",
                "UsageBased", "azure_reservation");
        Arbitrary<String> dates = Arbitraries.of("2018-03-16T00:00:00", "2017-01-21T00:00:00Z",
                "0001-01-01T00:00:00", "2024-02-29T23:59:59.9999999");
        Arbitrary<List<String>> types = typeNames.list().ofMaxSize(4).uniqueElements(InvoiceTypeBalance::typeKey);
        return Combinators.combine(balances, Arbitraries.of("USD", "EUR", "CNY"), dates, types,
                balances.list().ofSize(4)).as((balance, currency, date, typeList, typeBalances) -> {
                    StringBuilder json = new StringBuilder("{\"balanceAmount\": ").append(balance.toPlainString())
                            .append(", \"currencyCode\": \"").append(currency).append("\", \"latestInvoiceDate\": \"")
                            .append(date).append("\", \"unknownField\": {\"x\": [1, 2]}, \"details\": [");
                    for (int i = 0; i < typeList.size(); i++) {
                        json.append(i == 0 ? "" : ", ").append("{\"invoiceType\": \"").append(typeList.get(i))
                                .append("\", \"summary\": {\"balanceAmount\": ")
                                .append(typeBalances.get(i).toPlainString())
                                .append(", \"latestInvoiceDate\": \"").append(date).append("\"}}");
                    }
                    json.append("]}");
                    return new Generated(json.toString(), balance, typeList, typeBalances.subList(0, typeList.size()));
                });
    }

}
