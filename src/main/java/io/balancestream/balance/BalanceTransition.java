package io.balancestream.balance;

import java.util.Objects;
import java.util.Set;

/**
 * A change worth an event in one of the account's balance histories.
 *
 * @param currency  the currency whose history changed, for a multi-currency account; null for an account watched
 *                  through {@code /invoices/summary}
 * @param previous  that history's last state; null when the history starts (first observation, currency added)
 * @param current   its new state; for a currency that disappeared, its last state (Partner Center no longer reports
 *                  one)
 * @param published the whole account's state once this transition's event is acknowledged, with the sequence
 *                  number that event carries
 */
public record BalanceTransition(String currency, AccountSummary previous, AccountSummary current,
        Set<BalanceChange> changes, PublishedState published) {

    public BalanceTransition {
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(published, "published");
        if (changes.isEmpty()) {
            throw new IllegalArgumentException("a transition has at least one change");
        }
        changes = Set.copyOf(changes);
    }

    /** A transition of an account watched through {@code /invoices/summary}. */
    public BalanceTransition(AccountSummary previous, AccountSummary current, Set<BalanceChange> changes,
            long sequence) {
        this(null, previous, current, changes, new PublishedState(current, sequence));
    }

    /** The sequence number the event of this transition carries. */
    public long sequence() {
        return published.sequence();
    }
}
