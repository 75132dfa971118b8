package io.balancestream.balance;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * The figures of one Partner Center InvoiceSummary: the account total, or one invoice type's part of it.
 * Amounts are exact; a null date means Partner Center said "never" (or sent nothing).
 */
public record SummaryFigures(
        BigDecimal balanceAmount,
        String currencyCode,
        String currencySymbol,
        Instant accountingDate,
        Instant firstInvoiceCreationDate,
        Instant lastPaymentDate,
        BigDecimal lastPaymentAmount,
        Instant latestInvoiceDate) {

    public SummaryFigures {
        Objects.requireNonNull(balanceAmount, "balanceAmount");
    }
}
