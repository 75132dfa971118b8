package io.balancestream.event;

/** An amount the event schema's decimal cannot hold exactly. The change is not published rather than rounded. */
public class UnrepresentableAmountException extends RuntimeException {

    public UnrepresentableAmountException(String message) {
        super(message, null, false, false);
    }
}
