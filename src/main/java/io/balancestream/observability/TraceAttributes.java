package io.balancestream.observability;

/** Span attribute names of the poll span: the ids Partner Center support and the logs know a poll by. */
public final class TraceAttributes {

    public static final String ACCOUNT = "balance_stream.account";
    public static final String CORRELATION_ID = "ms.correlation_id";
    public static final String REQUEST_ID = "ms.request_id";
    public static final String OUTCOME = "balance_stream.outcome";
    public static final String TRIGGER = "balance_stream.trigger";

    private TraceAttributes() {
    }
}
