package io.balancestream.poller;

import java.time.Duration;
import java.util.Optional;

/**
 * What one poll of one account came to.
 *
 * @param result   {@code published}, {@code unchanged}, or the failure cause ({@code timeout}, {@code connection},
 *                 {@code server_error}, {@code throttled}, {@code unauthorized}, {@code rejected}, {@code token},
 *                 {@code invalid_body}, {@code unrepresentable_amount}, {@code publish})
 * @param waitAtLeast set when Partner Center asked for a pause (429 Retry-After)
 * @param detail      what went wrong, for people (never a secret); null on success
 */
public record PollOutcome(String result, Optional<Duration> waitAtLeast, String detail) {

    public static final String PUBLISHED = "published";
    public static final String UNCHANGED = "unchanged";

    public static PollOutcome of(String result) {
        return new PollOutcome(result, Optional.empty(), null);
    }

    public boolean succeeded() {
        return PUBLISHED.equals(result) || UNCHANGED.equals(result);
    }
}
