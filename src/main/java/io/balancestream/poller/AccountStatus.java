package io.balancestream.poller;

import java.time.Clock;
import java.time.Instant;

/** The recent history of one account's polls, for health checks and metrics. */
public final class AccountStatus {

    private final String accountId;
    private final Clock clock;
    private volatile Instant lastSuccess;
    private volatile Instant failingSince;
    private volatile String lastResult;
    private volatile long polls;

    AccountStatus(String accountId, Clock clock) {
        this.accountId = accountId;
        this.clock = clock;
    }

    void record(PollOutcome outcome) {
        Instant now = clock.instant();
        polls++;
        lastResult = outcome.result();
        if (outcome.succeeded()) {
            lastSuccess = now;
            failingSince = null;
        } else if (failingSince == null) {
            failingSince = now;
        }
    }

    public String accountId() {
        return accountId;
    }

    /** When the account last polled successfully; null before its first success. */
    public Instant lastSuccess() {
        return lastSuccess;
    }

    /** Since when every poll of the account failed; null while it succeeds. */
    public Instant failingSince() {
        return failingSince;
    }

    /** The last poll's result: {@code published}, {@code unchanged} or a failure cause; null before the first. */
    public String lastResult() {
        return lastResult;
    }

    public long polls() {
        return polls;
    }
}
