package io.balancestream.poller;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.balancestream.balance.BalanceTransition;
import io.balancestream.balance.ChangeDetector;
import io.balancestream.balance.InvalidSummaryException;
import io.balancestream.balance.InvoiceSummaryParser;
import io.balancestream.balance.Observation;
import io.balancestream.balance.PublishedState;
import io.balancestream.event.BalanceEventMapper;
import io.balancestream.event.UnrepresentableAmountException;
import io.balancestream.config.PartnerAccount;
import io.balancestream.credentials.RefreshTokenCipher;
import io.balancestream.events.BalanceChanged;
import io.balancestream.events.PollTrigger;
import io.balancestream.observability.TraceAttributes;
import io.balancestream.partnercenter.PartnerCenterException;
import io.balancestream.partnercenter.RequestIds;
import io.balancestream.partnercenter.SummaryResponse;
import io.balancestream.partnercenter.SummarySource;
import io.balancestream.publish.PendingEvent;
import io.balancestream.publish.PublishException;
import io.balancestream.state.RecoveredStates;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * One poll of one owned account, in the one direction data flows: fetch, parse, compare, publish, and only then
 * advance the baseline.
 * <p>
 * A change is compared with the newest state already waiting for Kafka, so changes seen while Kafka is unreachable
 * wait in order in {@link UnpublishedChanges} and are published, each with its own sequence number, once Kafka is
 * back. After a transaction whose outcome is unknown, nothing more is published until the account's state has been
 * read back from the state topic: no duplicate, no gap. A failure at any step leaves the baseline where it was and
 * is logged once here.
 */
final class AccountPoller {

    private static final Logger LOG = Logger.getLogger(AccountPoller.class);
    private static final Duration RESYNC_TIMEOUT = Duration.ofSeconds(30);
    /** Distinct states kept while Kafka is away; a longer outage keeps the oldest, loudly. */
    static final int MAX_UNPUBLISHED = 1000;

    private final SummarySource client;
    /** The ownership epoch the account was gained in: every request carries it. */
    private final long epoch;
    private final PollingContext context;
    private final AccountStatus status;
    /** Stateless and thread-safe: one for all accounts (a Jackson mapper each would cost memory per account). */
    private static final InvoiceSummaryParser PARSER = new InvoiceSummaryParser();
    private static final ChangeDetector DETECTOR = new ChangeDetector();
    private final UnpublishedChanges unpublished = new UnpublishedChanges(MAX_UNPUBLISHED);
    /** Only the poll loop touches it. */
    private boolean baselineUncertain;
    /**
     * The last body and what it parsed to: most polls bring the very same body, which parses to the same snapshot,
     * so the parse (the poll's main CPU cost after HTTP) is skipped. Only the poll loop touches them.
     */
    private String lastBody;
    private Observation lastObservation;
    /**
     * The state and observation the last comparison found equal: while neither object is replaced (a new body, a
     * publish or a recovery replaces them) the next poll has nothing to compare. Only the poll loop touches them.
     */
    private PublishedState unchangedState;
    private Observation unchangedObservation;

    AccountPoller(SummarySource client, long epoch, PollingContext context, AccountStatus status) {
        this.client = client;
        this.epoch = epoch;
        this.context = context;
        this.status = status;
    }

    String accountId() {
        return client.account().accountId();
    }

    int unpublishedChanges() {
        return unpublished.size();
    }

    /** @param trigger what started this poll: its interval, or a push from Partner Center */
    Uni<PollOutcome> pollOnce(PollTrigger trigger) {
        Clock clock = context.clock();
        String correlationId = RequestIds.next();
        Instant started = clock.instant();
        // A poll starts a trace of its own: whatever context the loop's thread still holds is not its parent.
        Span span = context.tracer().spanBuilder("poll " + accountId()).setSpanKind(SpanKind.INTERNAL).setNoParent()
                .setAttribute(TraceAttributes.ACCOUNT, accountId())
                .setAttribute(TraceAttributes.CORRELATION_ID, correlationId)
                .setAttribute(TraceAttributes.TRIGGER, trigger.name())
                .startSpan();
        // Tracing off: the span is a no-op and the root context stays current, so OpenTelemetry's context storage and
        // the log MDC have nothing to swap at every step of the poll.
        Context trace = span.getSpanContext().isValid() ? Context.root().with(span) : Context.root();
        return client.fetchSummary(correlationId, trace)
                .map(response -> queueIfChanged(response, trigger))
                .onFailure().recoverWithItem(failure -> failed(failure, correlationId))
                .chain(fetched -> resyncIfUncertain()
                        .chain(() -> publishUnpublished(trace))
                        .map(publishFailure -> publishFailure.orElse(fetched))
                        .onFailure().recoverWithItem(failure -> failed(failure, correlationId)))
                .call(this::storeRotatedRefreshToken)
                .invoke(outcome -> {
                    status.record(outcome);
                    context.metrics().recordPoll(accountId(), outcome, Duration.between(started, clock.instant()));
                    span.setAttribute(TraceAttributes.OUTCOME, outcome.result());
                    if (!outcome.succeeded()) {
                        span.setStatus(StatusCode.ERROR, outcome.result());
                    }
                })
                .onTermination().invoke(span::end);
    }

    /**
     * Parses and compares; due changes are queued, one per balance history that changed (a multi-currency account can
     * have several in one poll). Returns the outcome of this poll's fetch.
     */
    private PollOutcome queueIfChanged(SummaryResponse response, PollTrigger trigger) {
        Instant detectedAt = context.clock().instant();
        Observation current;
        try {
            current = parsed(response.body());
        } catch (InvalidSummaryException e) {
            throw new PollFailure("invalid_body", response.requestId(), "invalid "
                    + (client.account().multiCurrency() ? "InvoiceSummaries" : "InvoiceSummary") + ": "
                    + e.getMessage());
        }
        PublishedState newest = unpublished.newestState(context.baselines().lastPublished(accountId()).orElse(null));
        if (newest != null && newest == unchangedState && current == unchangedObservation) {
            return PollOutcome.of(PollOutcome.UNCHANGED); // the very objects last found equal: nothing to compare
        }
        List<BalanceTransition> transitions = DETECTOR.detect(newest, current);
        if (transitions.isEmpty()) {
            unchangedState = newest;
            unchangedObservation = current;
            return PollOutcome.of(PollOutcome.UNCHANGED);
        }
        List<UnpublishedChanges.Change> changes = new ArrayList<>(transitions.size());
        try {
            for (BalanceTransition transition : transitions) {
                changes.add(new UnpublishedChanges.Change(transition, BalanceEventMapper.toEvent(client.account(),
                        transition, response.requestId(), response.correlationId(), detectedAt, trigger)));
            }
        } catch (UnrepresentableAmountException e) {
            throw new PollFailure("unrepresentable_amount", response.requestId(), e.getMessage());
        }
        for (UnpublishedChanges.Change change : changes) {
            if (!unpublished.add(change)) {
                LOG.errorf("Account %s has %d unpublished changes while Kafka is unreachable; this newer state is "
                        + "published once they are", accountId(), MAX_UNPUBLISHED);
                break;
            }
        }
        return PollOutcome.of(PollOutcome.PUBLISHED);
    }

    /**
     * App+User: Entra rotated the refresh token during this poll; the newest one goes to the state topic, sealed, so
     * a restart or the next owner continues from it. A failure is logged and tried again after the next poll (the
     * previous token stays valid meanwhile: Entra does not revoke it at once).
     */
    private Uni<Void> storeRotatedRefreshToken() {
        Optional<String> rotated = client.unsavedRefreshToken();
        if (rotated.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        PartnerAccount account = client.account();
        byte[] sealed = RefreshTokenCipher.of(account, context.credentialsKey()).seal(rotated.get(),
                account.refreshToken());
        return Uni.createFrom().completionStage(() -> context.publisher().storeRefreshToken(accountId(), epoch, sealed))
                .emitOn(Infrastructure.getDefaultExecutor())
                .invoke(() -> {
                    client.refreshTokenSaved(rotated.get());
                    LOG.debugf("Stored the rotated refresh token of account %s", accountId());
                })
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("The rotated refresh token of account %s is not stored yet (%s); trying again after "
                            + "the next poll", accountId(), failure.getMessage());
                    return null;
                })
                .replaceWithVoid();
    }

    private Observation parsed(String body) {
        if (lastBody != null && lastBody.equals(body)) {
            return lastObservation;
        }
        Observation observation = client.account().multiCurrency() ? PARSER.parseSummaries(body)
                : Observation.of(PARSER.parse(body));
        lastBody = body;
        lastObservation = observation;
        return observation;
    }

    private Uni<Void> resyncIfUncertain() {
        if (!baselineUncertain) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().item(() -> context.resync().recoverAccount(accountId(), RESYNC_TIMEOUT))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().transform(e -> new PollFailure("publish", null, unpublished.size()
                        + " change(s) wait for Kafka, which is still unreachable: " + e))
                .invoke(this::resynced)
                .replaceWithVoid();
    }

    private void resynced(RecoveredStates recovered) {
        String unreadable = recovered.unreadable().get(accountId());
        if (unreadable != null) {
            throw new PollFailure("state", null, unreadable);
        }
        var stored = recovered.states().get(accountId());
        long published = 0;
        if (stored != null) {
            context.baselines().advance(accountId(), stored.published());
            published = stored.published().sequence();
        }
        unpublished.committedUpTo(published);
        baselineUncertain = false;
        LOG.infof("Kafka is back for account %s: last published event is %d, %d change(s) to publish", accountId(),
                published, unpublished.size());
    }

    /** Publishes every waiting change in one transaction; returns the failure, if any. */
    private Uni<Optional<PollOutcome>> publishUnpublished(Context trace) {
        List<UnpublishedChanges.Change> changes = unpublished.all();
        if (changes.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        List<PendingEvent> pending = changes.stream()
                .map(change -> new PendingEvent(change.event(), change.transition().published()))
                .toList();
        Instant sent = context.clock().instant();
        BalanceChanged last = changes.get(changes.size() - 1).event();
        return Uni.createFrom().completionStage(() -> context.publisher().publish(accountId(), epoch, pending, trace))
                .emitOn(Infrastructure.getDefaultExecutor())
                .invoke(() -> {
                    Duration took = Duration.between(sent, context.clock().instant());
                    for (UnpublishedChanges.Change change : changes) {
                        BalanceChanged event = change.event();
                        context.metrics().recordPublished(event, took);
                        LOG.infof("Published event %d of account %s%s: %s (correlation %s, request %s)",
                                event.getSequence(), accountId(), event.getCurrency() == null ? ""
                                        : " in " + event.getCurrency(), event.getChanges(), event.getCorrelationId(),
                                event.getRequestId());
                    }
                    unpublished.committedUpTo(last.getSequence());
                    context.baselines().advance(accountId(), changes.get(changes.size() - 1).transition().published());
                })
                .map(ignored -> Optional.<PollOutcome>empty())
                .onFailure(PublishException.class).transform(e -> {
                    PublishException failure = (PublishException) e;
                    switch (failure.outcome()) {
                        case UNKNOWN -> baselineUncertain = true;
                        case NOT_OWNER -> unpublished.clear();
                        case ABORTED -> {
                        }
                    }
                    String events = "event(s) " + changes.get(0).event().getSequence() + ".." + last.getSequence();
                    if (failure.refusedByKafka()) {
                        return new PollFailure("publish_refused", last.getRequestId(), "Kafka refused " + events
                                + " (" + failure.getMessage() + "); they wait and are sent again every poll, so the "
                                + "account resumes by itself once the cause is fixed (topic settings, ACLs)");
                    }
                    return new PollFailure("publish", last.getRequestId(), events + " not committed ("
                            + failure.outcome().name().toLowerCase(Locale.ROOT) + "): " + failure.getMessage());
                });
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
        return new PollOutcome(cause, waitAtLeast, failure.getMessage());
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
