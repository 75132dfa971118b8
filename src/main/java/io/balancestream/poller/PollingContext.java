package io.balancestream.poller;

import java.time.Clock;

import io.balancestream.event.TransactionalPublisher;
import io.balancestream.ownership.GroupMembership;
import io.balancestream.state.Baselines;
import io.balancestream.state.StateRecovery;
import io.opentelemetry.api.trace.Tracer;

/** What every account's poller shares: built once by the scheduler, so a poller needs three arguments, not ten. */
record PollingContext(TransactionalPublisher publisher, Baselines baselines, StateRecovery recovery,
        GroupMembership membership, PollMetrics metrics, Tracer tracer, Clock clock,
        java.util.Optional<String> credentialsKey) {
}
