package io.balancestream.balance;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** An account's InvoiceSummary at one point in time: the totals and the balance per invoice type (sorted by type). */
public record BalanceSnapshot(SummaryFigures total, List<InvoiceTypeBalance> invoiceTypes) {

    public BalanceSnapshot {
        Objects.requireNonNull(total, "total");
        Objects.requireNonNull(total.currencyCode(), "currencyCode");
        invoiceTypes = invoiceTypes.stream().sorted(Comparator.comparing(InvoiceTypeBalance::typeKey)).toList();
    }
}
