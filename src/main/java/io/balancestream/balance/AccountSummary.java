package io.balancestream.balance;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** An account's InvoiceSummary at one point in time: the totals and the balance per invoice type (sorted by type). */
public record AccountSummary(SummaryFigures total, List<InvoiceTypeFigures> invoiceTypes) {

    public AccountSummary {
        Objects.requireNonNull(total, "total");
        Objects.requireNonNull(total.currencyCode(), "currencyCode");
        invoiceTypes = invoiceTypes.stream().sorted(Comparator.comparing(InvoiceTypeFigures::typeKey)).toList();
    }
}
