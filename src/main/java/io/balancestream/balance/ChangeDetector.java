package io.balancestream.balance;

import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a freshly polled snapshot differs from the last published state in a way downstream services
 * care about: total balance, an invoice type's balance (or the set of invoice types), latest invoice date, currency.
 * Amounts compare by value, so 10.5 and 10.50 are the same balance.
 */
public final class ChangeDetector {

    public Optional<BalanceTransition> detect(PublishedState lastPublished, BalanceSnapshot current) {
        if (lastPublished == null) {
            return Optional.of(new BalanceTransition(null, current, EnumSet.of(ChangeKind.FIRST_OBSERVATION), 1));
        }
        Set<ChangeKind> changes = changesBetween(lastPublished.snapshot(), current);
        if (changes.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new BalanceTransition(lastPublished.snapshot(), current, changes, lastPublished.sequence() + 1));
    }

    static Set<ChangeKind> changesBetween(BalanceSnapshot previous, BalanceSnapshot current) {
        Set<ChangeKind> changes = EnumSet.noneOf(ChangeKind.class);
        SummaryFigures before = previous.total();
        SummaryFigures after = current.total();
        if (!before.currencyCode().equalsIgnoreCase(after.currencyCode())) {
            changes.add(ChangeKind.CURRENCY);
        }
        if (before.balanceAmount().compareTo(after.balanceAmount()) != 0) {
            changes.add(ChangeKind.BALANCE);
        }
        if (!balancesByType(previous).equals(balancesByType(current))) {
            changes.add(ChangeKind.INVOICE_TYPE_BALANCE);
        }
        if (!Objects.equals(before.latestInvoiceDate(), after.latestInvoiceDate())) {
            changes.add(ChangeKind.LATEST_INVOICE_DATE);
        }
        return changes;
    }

    /** Balances keyed by invoice type, stripped of trailing zeros so that equal values compare equal. */
    private static Map<String, BigDecimal> balancesByType(BalanceSnapshot snapshot) {
        Map<String, BigDecimal> balances = new HashMap<>();
        for (InvoiceTypeBalance type : snapshot.invoiceTypes()) {
            BigDecimal amount = type.figures().balanceAmount();
            balances.put(type.typeKey(), amount.signum() == 0 ? BigDecimal.ZERO : amount.stripTrailingZeros());
        }
        return balances;
    }
}
