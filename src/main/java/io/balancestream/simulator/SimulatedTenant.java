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
    private volatile long tokenLifetimeSeconds = 3599;
    private final Deque<SimulatedFault> faults = new ArrayDeque<>();
    private final Deque<Map<String, String>> requests = new ArrayDeque<>();
    private final Map<String, Instant> issuedTokens = new ConcurrentHashMap<>();
    private final AtomicLong tokenRequests = new AtomicLong();
    private final AtomicLong summaryRequests = new AtomicLong();

    SimulatedTenant(String summaryBody) {
        this.summaryBody = summaryBody;
    }

    String summaryBody() {
        return summaryBody;
    }

    void summaryBody(String body) {
        this.summaryBody = body;
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

    long summaryRequests() {
        return summaryRequests.get();
    }
}
