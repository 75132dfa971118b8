package io.balancestream.balance;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides whether a freshly polled result differs from the last published state in a way downstream services care
 * about: total balance, an invoice type's balance (or the set of invoice types), latest invoice date, currency; for
 * a multi-currency account, each currency on its own, and a currency appearing or disappearing.
 * Amounts compare by value, so 10.5 and 10.50 are the same balance.
 */
public final class ChangeDetector {

    /** An account watched through {@code /invoices/summary}: at most one transition. */
    public Optional<BalanceTransition> detect(PublishedState lastPublished, AccountSummary current) {
        return detect(lastPublished, Observation.of(current)).stream().findFirst();
    }

    /**
     * One transition per history that changed, in currency order, with consecutive sequence numbers; each carries
     * the account's state as it is once its event and those before it are acknowledged.
     *
     * @param lastPublished null when the account never published
     */
    public List<BalanceTransition> detect(PublishedState lastPublished, Observation observed) {
        SortedMap<String, AccountSummary> before = new TreeMap<>();
        long sequence = 0;
        if (lastPublished != null) {
            // After a switch between /summary and /summaries the other kind's history ends without an event.
            before.putAll(observed.perCurrency() ? lastPublished.currencies()
                    : lastPublished.snapshot() == null ? Map.of()
                            : Map.of(PublishedState.WHOLE_ACCOUNT, lastPublished.snapshot()));
            sequence = lastPublished.sequence();
        }
        SortedMap<String, AccountSummary> after = observed.histories();
        SortedMap<String, AccountSummary> state = new TreeMap<>(before);
        List<BalanceTransition> transitions = new ArrayList<>();
        Set<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String key : keys) {
            AccountSummary previous = before.get(key);
            AccountSummary current = after.get(key);
            Set<BalanceChange> changes;
            if (previous == null) {
                changes = EnumSet.of(lastPublished == null ? BalanceChange.FIRST_OBSERVATION : BalanceChange.CURRENCY_ADDED);
                state.put(key, current);
            } else if (current == null) {
                changes = EnumSet.of(BalanceChange.CURRENCY_REMOVED);
                current = previous;
                state.remove(key);
            } else {
                changes = changesBetween(previous, current);
                if (changes.isEmpty()) {
                    continue;
                }
                state.put(key, current);
            }
            sequence++;
            transitions.add(new BalanceTransition(observed.perCurrency() ? key : null, previous, current, changes,
                    new PublishedState(state, sequence)));
        }
        return transitions;
    }

    static Set<BalanceChange> changesBetween(AccountSummary previous, AccountSummary current) {
        Set<BalanceChange> changes = EnumSet.noneOf(BalanceChange.class);
        SummaryFigures before = previous.total();
        SummaryFigures after = current.total();
        if (!before.currencyCode().equalsIgnoreCase(after.currencyCode())) {
            changes.add(BalanceChange.CURRENCY);
        }
        if (before.balanceAmount().compareTo(after.balanceAmount()) != 0) {
            changes.add(BalanceChange.BALANCE);
        }
        if (!balancesByType(previous).equals(balancesByType(current))) {
            changes.add(BalanceChange.INVOICE_TYPE_BALANCE);
        }
        if (!Objects.equals(before.latestInvoiceDate(), after.latestInvoiceDate())) {
            changes.add(BalanceChange.LATEST_INVOICE_DATE);
        }
        return changes;
    }

    /** Balances keyed by invoice type, stripped of trailing zeros so that equal values compare equal. */
    private static Map<String, BigDecimal> balancesByType(AccountSummary snapshot) {
        Map<String, BigDecimal> balances = new HashMap<>();
        for (InvoiceTypeFigures type : snapshot.invoiceTypes()) {
            BigDecimal amount = type.figures().balanceAmount();
            balances.put(type.typeKey(), amount.signum() == 0 ? BigDecimal.ZERO : amount.stripTrailingZeros());
        }
        return balances;
    }
}
