package io.balancestream.poller;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.balancestream.balance.BalanceSnapshot;
import io.balancestream.balance.BalanceTransition;
import io.balancestream.balance.ChangeDetector;
import io.balancestream.balance.InvalidSummaryException;
import io.balancestream.balance.InvoiceSummaryParser;
import io.balancestream.balance.PublishedState;
import io.balancestream.event.BalanceEventMapper;
import io.balancestream.event.BalanceEventPublisher;
import io.balancestream.event.UnrepresentableAmountException;
import io.balancestream.events.BalanceChanged;
import io.balancestream.observability.TraceAttributes;
import io.balancestream.partnercenter.PartnerCenterClient;
import io.balancestream.partnercenter.PartnerCenterException;
import io.balancestream.partnercenter.SummaryResponse;
import io.balancestream.state.Baselines;
import io.balancestream.state.EventLogReader;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * One poll of one account, in the one direction data flows: fetch, parse, compare, publish, and only then advance
 * the baseline.
 * <p>
 * A change is compared with the newest state already queued for publication, so a change seen while Kafka is
 * unreachable waits in order in {@link #unacknowledged} and is published, with its own sequence number, once Kafka
 * is back. After Kafka failed to acknowledge an event, the event may still have been written (acknowledgements get
 * lost), so nothing more is published until the account's last event has been read back from the topic: no
 * duplicate, no gap. A failure at any step leaves the baseline where it was and is logged once here.
 */
final class AccountPoller {

    private static final Logger LOG = Logger.getLogger(AccountPoller.class);
    private static final Duration RESYNC_TIMEOUT = Duration.ofSeconds(10);
    /** Distinct states kept while Kafka is away; a longer outage keeps the oldest and newest, loudly. */
    static final int MAX_UNACKNOWLEDGED = 1000;

    private final PartnerCenterClient client;
    private final InvoiceSummaryParser parser;
    private final ChangeDetector detector;
    private final BalanceEventPublisher publisher;
    private final Baselines baselines;
    private final EventLogReader eventLog;
    private final AccountStatus status;
    private final PollMetrics metrics;
    private final Tracer tracer;
    private final Clock clock;
    /** Events detected but not yet acknowledged by Kafka, oldest first. Only the poll loop touches it. */
    private final Deque<PendingEvent> unacknowledged = new ArrayDeque<>();
    private boolean baselineUncertain;

    private record PendingEvent(BalanceTransition transition, BalanceChanged event) {
    }

    AccountPoller(PartnerCenterClient client, InvoiceSummaryParser parser, ChangeDetector detector,
            BalanceEventPublisher publisher, Baselines baselines, EventLogReader eventLog, AccountStatus status,
            PollMetrics metrics, Tracer tracer, Clock clock) {
        this.client = client;
        this.parser = parser;
        this.detector = detector;
        this.publisher = publisher;
        this.baselines = baselines;
        this.eventLog = eventLog;
        this.status = status;
        this.metrics = metrics;
        this.tracer = tracer;
        this.clock = clock;
    }

    String accountId() {
        return client.account().accountId();
    }

    int unpublishedChanges() {
        return unacknowledged.size();
    }

    Uni<PollOutcome> pollOnce() {
        String correlationId = UUID.randomUUID().toString();
        Instant started = clock.instant();
        // A poll starts a trace of its own: whatever context the loop's thread still holds is not its parent.
        Span span = tracer.spanBuilder("poll " + accountId()).setSpanKind(SpanKind.INTERNAL).setNoParent()
                .setAttribute(TraceAttributes.ACCOUNT, accountId())
                .setAttribute(TraceAttributes.CORRELATION_ID, correlationId)
                .startSpan();
        Context trace = Context.root().with(span);
        return client.fetchSummary(correlationId, trace)
                .map(this::queueIfChanged)
                .onFailure().recoverWithItem(failure -> failed(failure, correlationId))
                .chain(fetched -> resyncIfUncertain()
                        .chain(() -> publishQueued(trace))
                        .map(publishFailure -> publishFailure.orElse(fetched))
                        .onFailure().recoverWithItem(failure -> failed(failure, correlationId)))
                .invoke(outcome -> {
                    status.record(outcome);
                    metrics.recordPoll(accountId(), outcome, Duration.between(started, clock.instant()));
                    span.setAttribute(TraceAttributes.OUTCOME, outcome.result());
                    if (!outcome.succeeded()) {
                        span.setStatus(StatusCode.ERROR, outcome.result());
                    }
                })
                .onTermination().invoke(span::end);
    }

    /** Parses and compares; a due change is queued. Returns the outcome of this poll's fetch. */
    private PollOutcome queueIfChanged(SummaryResponse response) {
        Instant detectedAt = clock.instant();
        BalanceSnapshot current;
        try {
            current = parser.parse(response.body());
        } catch (InvalidSummaryException e) {
            throw new PollFailure("invalid_body", response.requestId(), "invalid InvoiceSummary: " + e.getMessage());
        }
        return queueIfChanged(current, response, detectedAt);
    }

    private PollOutcome queueIfChanged(BalanceSnapshot current, SummaryResponse response, Instant detectedAt) {
        Optional<BalanceTransition> transition = detector.detect(newestKnownState(), current);
        if (transition.isEmpty()) {
            return PollOutcome.of(PollOutcome.UNCHANGED);
        }
        BalanceChanged event;
        try {
            event = BalanceEventMapper.toEvent(client.account(), transition.get(), response.requestId(),
                    response.correlationId(), detectedAt);
        } catch (UnrepresentableAmountException e) {
            throw new PollFailure("unrepresentable_amount", response.requestId(), e.getMessage());
        }
        if (unacknowledged.size() >= MAX_UNACKNOWLEDGED) {
            // Keep the oldest (the next to publish) and replace the newest: the latest state is never lost.
            PendingEvent dropped = unacknowledged.removeLast();
            LOG.errorf("Account %s has %d unpublished changes while Kafka is unreachable; the intermediate state of "
                    + "sequence %d is replaced by the newer one", accountId(), MAX_UNACKNOWLEDGED,
                    dropped.event().getSequence());
            return queueIfChanged(current, response, detectedAt);
        }
        unacknowledged.addLast(new PendingEvent(transition.get(), event));
        return PollOutcome.of(PollOutcome.PUBLISHED);
    }

    /** What the next observation is compared with: the newest queued state, else the last published one. */
    private PublishedState newestKnownState() {
        PendingEvent newest = unacknowledged.peekLast();
        return newest != null ? newest.transition().published() : baselines.lastPublished(accountId()).orElse(null);
    }

    private Uni<Void> resyncIfUncertain() {
        if (!baselineUncertain) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().item(() -> eventLog.lastPublishedStates(Set.of(accountId()), RESYNC_TIMEOUT))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().transform(e -> new PollFailure("publish", null, unacknowledged.size()
                        + " change(s) wait for Kafka, which is still unreachable: " + e))
                .invoke(states -> {
                    states.values().forEach(state -> baselines.advance(accountId(), state));
                    long published = baselines.lastPublished(accountId()).map(PublishedState::sequence).orElse(0L);
                    unacknowledged.removeIf(pending -> pending.event().getSequence() <= published);
                    baselineUncertain = false;
                    LOG.infof("Kafka is back for account %s: last published event is %d, %d change(s) to publish",
                            accountId(), published, unacknowledged.size());
                })
                .replaceWithVoid();
    }

    /** Publishes queued events in order until one fails; returns that failure, if any. */
    private Uni<Optional<PollOutcome>> publishQueued(Context trace) {
        PendingEvent next = unacknowledged.peekFirst();
        if (next == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        BalanceChanged event = next.event();
        Instant sent = clock.instant();
        return publisher.publish(event, trace)
                .invoke(() -> {
                    metrics.recordPublished(event, Duration.between(sent, clock.instant()));
                    unacknowledged.removeFirst();
                    baselines.advance(accountId(), next.transition().published());
                    LOG.infof("Published event %d of account %s: %s (correlation %s, request %s)",
                            event.getSequence(), accountId(), event.getChanges(), event.getCorrelationId(),
                            event.getRequestId());
                })
                .chain(() -> publishQueued(trace))
                .onFailure().invoke(() -> baselineUncertain = true)
                .onFailure().transform(e -> new PollFailure("publish", event.getRequestId(), "event "
                        + event.getSequence() + " not acknowledged by Kafka; " + unacknowledged.size()
                        + " change(s) wait for it: " + e));
    }

    private PollOutcome failed(Throwable failure, String correlationId) {
        String cause;
        String requestId;
        Optional<Duration> waitAtLeast = Optional.empty();
        if (failure instanceof PollFailure pollFailure) {
            cause = pollFailure.cause;
            requestId = pollFailure.requestId;
        } else if (failure instanceof PartnerCenterException partnerCenter) {
            cause = partnerCenter.reason().name().toLowerCase(Locale.ROOT);
            requestId = partnerCenter.requestId();
            waitAtLeast = partnerCenter.retryAfter();
        } else {
            LOG.errorf(failure, "Poll of account %s failed unexpectedly, correlation %s", accountId(), correlationId);
            return PollOutcome.of("unexpected");
        }
        LOG.errorf("Poll of account %s failed (%s), correlation %s, request %s: %s", accountId(), cause,
                correlationId, requestId == null ? "-" : requestId, failure.getMessage());
        return new PollOutcome(cause, waitAtLeast);
    }

    /** A failure of this poll with the request id for the log line; no stack trace, the message says it all. */
    private static final class PollFailure extends RuntimeException {
        private final String cause;
        private final String requestId;

        PollFailure(String cause, String requestId, String message) {
            super(message, null, false, false);
            this.cause = cause;
            this.requestId = requestId;
        }
    }
}
