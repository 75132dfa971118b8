package io.balancestream.webhook;

/** A callback that must not trigger anything, with the outcome it is counted under and why, for the log. */
final class CallbackRejectedException extends Exception {

    private final String outcome;

    CallbackRejectedException(String outcome, String reason) {
        super(reason, null, false, false);
        this.outcome = outcome;
    }

    /** Metric label: {@code unsigned}, {@code certificate_host}, {@code certificate_unavailable}, ... */
    String outcome() {
        return outcome;
    }
}
