package io.balancestream.poller;

import java.time.Clock;
import java.time.Duration;

import io.balancestream.publish.EventPublisher;
import io.balancestream.state.Baselines;
import io.balancestream.state.RecoveredStates;
import io.opentelemetry.api.trace.Tracer;

/**
 * What every account's poller shares: built once by the scheduler, so a poller needs three arguments, not ten.
 *
 * @param resync reads one account's state back from the state topic (after a transaction whose outcome is unknown)
 */
record PollingContext(EventPublisher publisher, Baselines baselines, StateResync resync, PollMetrics metrics,
        Tracer tracer, Clock clock, java.util.Optional<String> credentialsKey) {

    /** One account's state, read back from the state topic within the timeout. */
    @FunctionalInterface
    interface StateResync {
        RecoveredStates recoverAccount(String accountId, Duration timeout);
    }
}
