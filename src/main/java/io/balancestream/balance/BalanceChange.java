package io.balancestream.balance;

/** Why an account's state deserves an event. */
public enum BalanceChange {
    /**
     * The account's first result: its first event, or for a multi-currency account one event per currency its first
     * result held.
     */
    FIRST_OBSERVATION,
    /** The total balance changed. */
    BALANCE,
    /** An invoice type's balance changed, or an invoice type appeared or disappeared. */
    INVOICE_TYPE_BALANCE,
    /** The latest invoice date changed. */
    LATEST_INVOICE_DATE,
    /** The currency of the balance changed (an account watched through /invoices/summary). */
    CURRENCY,
    /** Multi-currency account: a currency without a history so far appeared in the summaries. */
    CURRENCY_ADDED,
    /** Multi-currency account: a currency disappeared from the summaries. */
    CURRENCY_REMOVED
}
