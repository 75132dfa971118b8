package io.balancestream.balance;

/** A Partner Center response that is not a usable InvoiceSummary. It never produces an event. */
public class InvalidSummaryException extends RuntimeException {

    public InvalidSummaryException(String message) {
        super(message);
    }

    public InvalidSummaryException(String message, Throwable cause) {
        super(message, cause);
    }
}
