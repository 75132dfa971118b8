package io.balancestream.balance;

import java.util.Locale;
import java.util.Objects;

/** One entry of an InvoiceSummary's details[]: the figures of one invoice type. */
public record InvoiceTypeFigures(String invoiceType, SummaryFigures figures) {

    public InvoiceTypeFigures {
        Objects.requireNonNull(invoiceType, "invoiceType");
        Objects.requireNonNull(figures, "figures");
    }

    /**
     * The identity of the invoice type. Partner Center spells the same type differently
     * ("OneTime" in responses, "one_time" in its documentation), so case and underscores do not count.
     */
    public String typeKey() {
        return typeKey(invoiceType);
    }

    static String typeKey(String invoiceType) {
        return invoiceType.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }
}
