package io.balancestream.balance;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one poll read: the account's summary ({@code /invoices/summary}), or its summaries per currency
 * ({@code /invoices/summaries}), each the start or continuation of a balance history.
 *
 * @param histories by history key: {@link PublishedState#WHOLE_ACCOUNT}, or the upper-case currency codes
 */
public record Observation(SortedMap<String, AccountSummary> histories, boolean perCurrency) {

    public Observation {
        histories = Collections.unmodifiableSortedMap(new TreeMap<>(histories));
    }

    public static Observation of(AccountSummary summary) {
        return new Observation(new TreeMap<>(java.util.Map.of(PublishedState.WHOLE_ACCOUNT, summary)), false);
    }

    /** @throws InvalidSummaryException when two summaries have the same currency */
    public static Observation perCurrency(List<AccountSummary> summaries) {
        SortedMap<String, AccountSummary> byCurrency = new TreeMap<>();
        for (AccountSummary summary : summaries) {
            String currency = currencyKey(summary.total().currencyCode());
            if (currency.isEmpty()) {
                throw new InvalidSummaryException("a summary has an empty currencyCode");
            }
            if (byCurrency.put(currency, summary) != null) {
                throw new InvalidSummaryException("currency " + currency + " has two summaries");
            }
        }
        return new Observation(byCurrency, true);
    }

    /** Currency codes compare without case: "eur" and "EUR" are one history. */
    public static String currencyKey(String currencyCode) {
        return currencyCode.strip().toUpperCase(Locale.ROOT);
    }
}
