package io.balancestream.simulator;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The simulated Partner Center state of one tenant. Thread-safe: requests and the control API race. */
final class SimulatedTenant {

    private static final int KEPT_REQUESTS = 200;

    private volatile String summaryBody;
    private volatile String summariesBody;
    private volatile long tokenLifetimeSeconds = 3599;
    private final Deque<SimulatedFault> faults = new ArrayDeque<>();
    private final Deque<Map<String, String>> requests = new ArrayDeque<>();
    private final Map<String, Instant> issuedTokens = new ConcurrentHashMap<>();
    private final AtomicLong tokenRequests = new AtomicLong();
    private final AtomicLong summaryRequests = new AtomicLong();

    SimulatedTenant(String summaryBody, String summariesBody) {
        this.summaryBody = summaryBody;
        this.summariesBody = summariesBody;
    }

    String summaryBody() {
        return summaryBody;
    }

    void summaryBody(String body) {
        this.summaryBody = body;
    }

    /** What {@code /invoices/summaries} answers: one InvoiceSummary per currency. */
    String summariesBody() {
        return summariesBody;
    }

    void summariesBody(String body) {
        this.summariesBody = body;
    }

    void tokenLifetimeSeconds(long seconds) {
        this.tokenLifetimeSeconds = seconds;
    }

    long tokenLifetimeSeconds() {
        return tokenLifetimeSeconds;
    }

    synchronized void addFault(SimulatedFault fault) {
        for (int i = 0; i < fault.timesOrOnce(); i++) {
            faults.addLast(fault);
        }
    }

    /** The next fault for the token endpoint or the API, consumed; null when none is queued. */
    synchronized SimulatedFault takeFault(boolean tokenEndpoint) {
        for (var iterator = faults.iterator(); iterator.hasNext();) {
            SimulatedFault fault = iterator.next();
            if (fault.hitsTokenEndpoint() == tokenEndpoint) {
                iterator.remove();
                return fault;
            }
        }
        return null;
    }

    synchronized int pendingFaults() {
        return faults.size();
    }

    String issueToken(String token) {
        tokenRequests.incrementAndGet();
        issuedTokens.put(token, Instant.now().plusSeconds(tokenLifetimeSeconds));
        return token;
    }

    /** An App+User token (from the refresh-token grant), which {@code /invoices/summaries} requires. */
    static boolean appUserToken(String token) {
        return token != null && token.startsWith(USER_TOKEN_PREFIX);
    }

    static final String USER_TOKEN_PREFIX = "sim-user-";

    boolean acceptsToken(String token) {
        Instant expiry = token == null ? null : issuedTokens.get(token);
        return expiry != null && Instant.now().isBefore(expiry);
    }

    /** Keeps what a summary request carried, when it came and how it was answered. */
    synchronized void recordRequest(Map<String, String> headers, String answer) {
        summaryRequests.incrementAndGet();
        Map<String, String> recorded = new java.util.LinkedHashMap<>(headers);
        recorded.put("receivedAt", Long.toString(System.currentTimeMillis()));
        recorded.put("answer", answer);
        requests.addLast(recorded);
        while (requests.size() > KEPT_REQUESTS) {
            requests.removeFirst();
        }
    }

    synchronized List<Map<String, String>> requests() {
        return new ArrayList<>(requests);
    }

    long tokenRequests() {
        return tokenRequests.get();
    }

    // App+User: refresh tokens this tenant accepts. Entra rotates them on each use and keeps the old one valid for
    // a while; single-use mode (stricter) proves that a client always continues from the newest one.
    private final java.util.Set<String> refreshTokens = ConcurrentHashMap.newKeySet();
    private volatile boolean refreshTokensSingleUse;

    /** A refresh token a consent would have produced (the control API seeds it). */
    void acceptRefreshToken(String token) {
        refreshTokens.add(token);
    }

    void refreshTokensSingleUse(boolean singleUse) {
        this.refreshTokensSingleUse = singleUse;
    }

    /** Revokes every refresh token of the tenant: the next refresh fails with invalid_grant. */
    void revokeRefreshTokens() {
        refreshTokens.clear();
    }

    /** The rotated refresh token, or null when this one is not (or no longer) accepted. */
    String redeemRefreshToken(String token) {
        if (token == null || !(refreshTokensSingleUse ? refreshTokens.remove(token) : refreshTokens.contains(token))) {
            return null;
        }
        String rotated = "sim-rt-" + java.util.UUID.randomUUID();
        refreshTokens.add(rotated);
        return rotated;
    }

    java.util.Set<String> refreshTokens() {
        return java.util.Set.copyOf(refreshTokens);
    }

    long summaryRequests() {
        return summaryRequests.get();
    }
}
