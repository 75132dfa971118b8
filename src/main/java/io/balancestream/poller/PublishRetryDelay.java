package io.balancestream.poller;

import java.time.Duration;

/**
 * How soon a loop polls again while changes wait for Kafka: {@link #FIRST} after the first poll that could not publish
 * them, twice as long after each further one, never later than the poll interval, and the interval again once nothing
 * waits. A transaction that a rebalance or a broker failover aborted is sent again within seconds, not a whole poll
 * interval later. Written here because it is the loop's own schedule (each retry is a poll), not a retry of one call.
 * Only the account's loop uses it.
 */
final class PublishRetryDelay {

    static final Duration FIRST = Duration.ofSeconds(1);

    private Duration next = FIRST;

    /** The wait before the next poll, given whether changes still wait for Kafka after this one. */
    Duration after(boolean changesWait, Duration interval) {
        if (!changesWait) {
            next = FIRST;
            return interval;
        }
        if (next.compareTo(interval) >= 0) {
            return interval;
        }
        Duration delay = next;
        next = next.multipliedBy(2);
        return delay;
    }
}
