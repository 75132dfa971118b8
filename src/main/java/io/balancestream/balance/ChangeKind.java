package io.balancestream.balance;

/** Why an account's state deserves an event. */
public enum ChangeKind {
    /** No event was ever published for the account. */
    FIRST_OBSERVATION,
    /** The total balance changed. */
    BALANCE,
    /** An invoice type's balance changed, or an invoice type appeared or disappeared. */
    INVOICE_TYPE_BALANCE,
    /** The latest invoice date changed. */
    LATEST_INVOICE_DATE,
    /** The currency of the balance changed. */
    CURRENCY
}
