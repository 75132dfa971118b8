package io.balancestream.partnercenter;

import java.time.Duration;
import java.util.Optional;

/**
 * A failed call to Partner Center or its token endpoint. The message names the account and what went wrong;
 * it never holds a secret or a token. No stack trace: the message says it all and failures repeat.
 */
public class PartnerCenterException extends RuntimeException {

    public enum Reason {
        /** No response in time. */
        TIMEOUT,
        /** No connection could be made or it broke. */
        CONNECTION,
        /** HTTP 5xx. */
        SERVER_ERROR,
        /** HTTP 429. */
        THROTTLED,
        /** HTTP 401 even with a renewed token. */
        UNAUTHORIZED,
        /** Any other HTTP status Partner Center rejects the request with (400, 403, 404...). */
        REJECTED,
        /** The token endpoint failed or rejected the credentials. */
        TOKEN,
        /** A body longer than any InvoiceSummary; reading stopped at the limit. */
        OVERSIZED,
        /** Entra refused an App+User refresh token (invalid_grant): a person must consent again. */
        CONSENT_REQUIRED
    }

    private final Reason reason;
    private final String requestId;
    private final Duration retryAfter;

    public PartnerCenterException(Reason reason, String message, String requestId, Duration retryAfter) {
        super(message, null, false, false);
        this.reason = reason;
        this.requestId = requestId;
        this.retryAfter = retryAfter;
    }

    public PartnerCenterException(Reason reason, String message, String requestId) {
        this(reason, message, requestId, null);
    }

    public Reason reason() {
        return reason;
    }

    /** MS-RequestId of the last attempt; null when no request was sent (token failure). */
    public String requestId() {
        return requestId;
    }

    /** How long Partner Center asked us to stay away (429 Retry-After). */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Whether another attempt within the same poll may succeed. */
    boolean transientFailure() {
        return reason == Reason.TIMEOUT || reason == Reason.CONNECTION || reason == Reason.SERVER_ERROR;
    }
}
