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
        AccountSummary snapshot = parser.parse(summary.json());
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
        AccountSummary current = parser.parse(b.json());
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
        AccountSummary stateA = parser.parse(a.json());
        AccountSummary stateB = parser.parse(b.json());
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

    /** A generated InvoiceSummaries collection: currency (as sent, any case) to balance, in the order sent. */
    record GeneratedCollection(String json, java.util.LinkedHashMap<String, BigDecimal> balances) {

        /** The same collection with its items in another order. */
        GeneratedCollection reversed() {
            java.util.List<String> codes = new java.util.ArrayList<>(balances.keySet());
            java.util.Collections.reverse(codes);
            java.util.LinkedHashMap<String, BigDecimal> reversed = new java.util.LinkedHashMap<>();
            codes.forEach(code -> reversed.put(code, balances.get(code)));
            return collection(reversed);
        }
    }

    @Property(tries = 300)
    void everyCurrencyOfACollectionArrivesExactly(@ForAll("collections") GeneratedCollection collection) {
        Observation observation = parser.parseSummaries(collection.json());
        assertThat(observation.histories()).hasSameSizeAs(collection.balances());
        collection.balances().forEach((code, balance) -> assertThat(observation.histories()
                .get(Observation.currencyKey(code)).total().balanceAmount()).isEqualByComparingTo(balance));
    }

    @Property(tries = 300)
    void mutatedCollectionsAreParsedOrRejectedNeverCrash(@ForAll("collections") GeneratedCollection collection,
            @ForAll("mutationPoint") double where, @ForAll("junk") String junk) {
        int at = (int) (where * collection.json().length());
        String mutated = collection.json().substring(0, at) + junk + collection.json().substring(at);
        try {
            parser.parseSummaries(mutated);
        } catch (InvalidSummaryException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    /**
     * From any published collection to any other: exactly one transition per currency that changed, appeared or
     * disappeared, in currency order with consecutive sequence numbers, whatever order the items came in; and the
     * state after the last one is the new collection, so polling it again is no change.
     */
    @Property(tries = 500)
    void aCollectionChangesCurrencyByCurrency(@ForAll("collections") GeneratedCollection a,
            @ForAll("collections") GeneratedCollection b) {
        List<BalanceTransition> first = detector.detect(null, parser.parseSummaries(a.json()));
        PublishedState published = first.isEmpty() ? null : first.get(first.size() - 1).published();
        Observation next = parser.parseSummaries(b.json());

        List<BalanceTransition> transitions = detector.detect(published, next);

        java.util.Map<String, BigDecimal> before = byKey(a);
        java.util.Map<String, BigDecimal> after = byKey(b);
        java.util.Set<String> expected = new java.util.TreeSet<>();
        for (String code : union(before.keySet(), after.keySet())) {
            BigDecimal was = before.get(code);
            BigDecimal is = after.get(code);
            if (was == null || is == null || was.compareTo(is) != 0) {
                expected.add(code);
            }
        }
        assertThat(transitions).extracting(BalanceTransition::currency).containsExactlyElementsOf(expected);
        long start = published == null ? 1 : published.sequence() + 1;
        for (int i = 0; i < transitions.size(); i++) {
            BalanceTransition transition = transitions.get(i);
            assertThat(transition.sequence()).isEqualTo(start + i);
            // The generated summaries have one invoice type holding the whole balance: both change together.
            java.util.Set<BalanceChange> expectedKinds = !before.containsKey(transition.currency())
                    ? java.util.Set.of(published == null ? BalanceChange.FIRST_OBSERVATION : BalanceChange.CURRENCY_ADDED)
                    : !after.containsKey(transition.currency()) ? java.util.Set.of(BalanceChange.CURRENCY_REMOVED)
                            : java.util.Set.of(BalanceChange.BALANCE, BalanceChange.INVOICE_TYPE_BALANCE);
            assertThat(transition.changes()).isEqualTo(expectedKinds);
        }
        assertThat(detector.detect(published, parser.parseSummaries(b.reversed().json())))
                .as("the order of the items does not matter").isEqualTo(transitions);
        if (!transitions.isEmpty()) {
            PublishedState last = transitions.get(transitions.size() - 1).published();
            assertThat(last.currencies().keySet()).isEqualTo(after.keySet());
            assertThat(detector.detect(last, next)).isEmpty();
        }
    }

    private static java.util.Map<String, BigDecimal> byKey(GeneratedCollection collection) {
        java.util.Map<String, BigDecimal> byKey = new java.util.HashMap<>();
        collection.balances().forEach((code, balance) -> byKey.put(Observation.currencyKey(code), balance));
        return byKey;
    }

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> union = new java.util.TreeSet<>(a);
        union.addAll(b);
        return union;
    }

    @Provide
    Arbitrary<GeneratedCollection> collections() {
        // Few codes and few amounts, so that two collections often share currencies and balances.
        Arbitrary<String> codes = Arbitraries.of("GBP", "CHF", "EUR", "usd", "Jpy", "NOK");
        Arbitrary<BigDecimal> balances = Arbitraries.of(BigDecimal.ZERO, new BigDecimal("0.01"),
                new BigDecimal("12904.57"), new BigDecimal("12904.570"), new BigDecimal("-3.5"),
                new BigDecimal("99999999999999999999.999999999"));
        return codes.list().ofMaxSize(5).uniqueElements(Observation::currencyKey)
                .flatMap(list -> balances.list().ofSize(list.size()).map(amounts -> {
                    java.util.LinkedHashMap<String, BigDecimal> collection = new java.util.LinkedHashMap<>();
                    for (int i = 0; i < list.size(); i++) {
                        collection.put(list.get(i), amounts.get(i));
                    }
                    return collection(collection);
                }));
    }

    private static GeneratedCollection collection(java.util.LinkedHashMap<String, BigDecimal> balances) {
        StringBuilder json = new StringBuilder("{\"totalCount\": ").append(balances.size()).append(", \"items\": [");
        String separator = "";
        for (var entry : balances.entrySet()) {
            json.append(separator).append("{\"balanceAmount\": ").append(entry.getValue().toPlainString())
                    .append(", \"currencyCode\": \"").append(entry.getKey())
                    .append("\", \"details\": [{\"invoiceType\": \"Recurring\", \"summary\": {\"balanceAmount\": ")
                    .append(entry.getValue().toPlainString()).append("}}], \"links\": {\"self\": {\"uri\": "
                            + "\"/invoices/summary\"}}}");
            separator = ", ";
        }
        json.append("], \"attributes\": {\"objectType\": \"Collection\"}}");
        return new GeneratedCollection(json.toString(), balances);
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
        Arbitrary<List<String>> types = typeNames.list().ofMaxSize(4).uniqueElements(InvoiceTypeFigures::typeKey);
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
