package io.balancestream.balance;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The last state of an account that reached Kafka, with the sequence number of the event that carried it.
 *
 * @param histories the summary each of the account's balance histories last published: one under
 *                  {@link #WHOLE_ACCOUNT} for an account watched through {@code /invoices/summary}, one per currency
 *                  code for a multi-currency account ({@code /invoices/summaries}); empty when a multi-currency
 *                  account's every currency disappeared
 * @param sequence  the account's sequence number, shared by all its histories
 */
public record PublishedState(SortedMap<String, AccountSummary> histories, long sequence) {

    /** The key of the one history of an account watched through {@code /invoices/summary}. */
    public static final String WHOLE_ACCOUNT = "";

    public PublishedState {
        Objects.requireNonNull(histories, "histories");
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence starts at 1, was " + sequence);
        }
        histories = Collections.unmodifiableSortedMap(new TreeMap<>(histories));
    }

    /** The state of an account watched through {@code /invoices/summary}. */
    public PublishedState(AccountSummary snapshot, long sequence) {
        this(new TreeMap<>(Map.of(WHOLE_ACCOUNT, Objects.requireNonNull(snapshot, "snapshot"))), sequence);
    }

    /** The summary of an account watched through {@code /invoices/summary}; null for a multi-currency account. */
    public AccountSummary snapshot() {
        return histories.get(WHOLE_ACCOUNT);
    }

    /** The summaries of a multi-currency account by currency code; empty for a single-summary account. */
    public SortedMap<String, AccountSummary> currencies() {
        SortedMap<String, AccountSummary> currencies = new TreeMap<>(histories);
        currencies.remove(WHOLE_ACCOUNT);
        return Collections.unmodifiableSortedMap(currencies);
    }
}
