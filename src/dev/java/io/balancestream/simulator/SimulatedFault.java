package io.balancestream.simulator;

/**
 * A fault the simulator injects into the next {@code times} requests of its kind.
 *
 * @param type              {@code server-error} (500), {@code throttle} (429 with Retry-After), {@code malformed}
 *                          (truncated JSON), {@code html} (an HTML page with 200), {@code empty} ({@code {}}),
 *                          {@code slow} (answers after {@code delayMillis}), {@code unauthorized} (401),
 *                          {@code mfa-required} (401 with code 900421: an App+User token without the MFA claim),
 *                          {@code token-failure} (the token endpoint rejects the client: Entra's invalid_client),
 *                          {@code token-unavailable} (the token endpoint answers 503 temporarily_unavailable)
 * @param times             how many requests it hits; 1 when absent
 * @param retryAfterSeconds the Retry-After of {@code throttle}
 * @param delayMillis       the delay of {@code slow}
 */
public record SimulatedFault(String type, Integer times, Integer retryAfterSeconds, Long delayMillis) {

    public boolean hitsTokenEndpoint() {
        return "token-failure".equals(type) || "token-unavailable".equals(type);
    }

    int timesOrOnce() {
        return times == null ? 1 : times;
    }
}
