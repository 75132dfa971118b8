package io.balancestream.poller;

import java.time.Clock;
import java.time.Instant;

/** The recent history of one account's polls, for health checks and metrics. */
public final class AccountStatus {

    private final String accountId;
    private final int partition;
    private final Clock clock;
    private volatile String problem;
    private final Instant ownedSince;
    private volatile Instant nextPollDue;
    private volatile Instant lastSuccess;
    private volatile Instant failingSince;
    private volatile String lastResult;
    private volatile long polls;

    AccountStatus(String accountId, int partition, Clock clock) {
        this.accountId = accountId;
        this.partition = partition;
        this.ownedSince = clock.instant();
        this.clock = clock;
    }

    void record(PollOutcome outcome) {
        Instant now = clock.instant();
        polls++;
        lastResult = outcome.detail() == null ? outcome.result() : outcome.result() + " (" + outcome.detail() + ")";
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

    /** The state topic partition the account belongs to (the unit of ownership). */
    public int partition() {
        return partition;
    }

    /** A problem recovery found (unreadable state, events missing from the event topic); null when none. */
    public String problem() {
        return problem;
    }

    void problem(String description) {
        this.problem = description;
    }

    /** When this instance started polling the account. */
    public Instant ownedSince() {
        return ownedSince;
    }

    /** When the next poll should start (set as each poll completes); null before the first completed poll. */
    public Instant nextPollDue() {
        return nextPollDue;
    }

    void nextPollDue(Instant due) {
        this.nextPollDue = due;
    }

    /** When the account last polled successfully; null before its first success. */
    public Instant lastSuccess() {
        return lastSuccess;
    }

    /** Since when every poll of the account failed; null while it succeeds. */
    public Instant failingSince() {
        return failingSince;
    }

    /**
     * The last poll's result: {@code published}, {@code unchanged} or a failure cause with what went wrong; null
     * before the first.
     */
    public String lastResult() {
        return lastResult;
    }

    public long polls() {
        return polls;
    }
}
