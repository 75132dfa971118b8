package io.balancestream.poller;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.balancestream.balance.BalanceSnapshot;
import io.balancestream.balance.BalanceTransition;
import io.balancestream.balance.ChangeDetector;
import io.balancestream.balance.InvalidSummaryException;
import io.balancestream.balance.InvoiceSummaryParser;
import io.balancestream.event.BalanceEventMapper;
import io.balancestream.event.BalanceEventPublisher;
import io.balancestream.event.UnrepresentableAmountException;
import io.balancestream.events.BalanceChanged;
import io.balancestream.partnercenter.PartnerCenterClient;
import io.balancestream.partnercenter.PartnerCenterException;
import io.balancestream.partnercenter.SummaryResponse;
import io.balancestream.state.Baselines;
import io.smallrye.mutiny.Uni;

/**
 * One poll of one account, in the one direction data flows: fetch, parse, compare with the last published state,
 * publish, and only then advance the baseline. A failure at any step leaves the baseline where it was, so the next
 * poll sees the same change again: nothing is lost, nothing wrong is sent. Every failure is logged once here.
 */
final class AccountPoller {

    private static final Logger LOG = Logger.getLogger(AccountPoller.class);

    private final PartnerCenterClient client;
    private final InvoiceSummaryParser parser;
    private final ChangeDetector detector;
    private final BalanceEventPublisher publisher;
    private final Baselines baselines;
    private final AccountStatus status;
    private final Clock clock;

    AccountPoller(PartnerCenterClient client, InvoiceSummaryParser parser, ChangeDetector detector,
            BalanceEventPublisher publisher, Baselines baselines, AccountStatus status, Clock clock) {
        this.client = client;
        this.parser = parser;
        this.detector = detector;
        this.publisher = publisher;
        this.baselines = baselines;
        this.status = status;
        this.clock = clock;
    }

    String accountId() {
        return client.account().accountId();
    }

    Uni<PollOutcome> pollOnce() {
        String correlationId = UUID.randomUUID().toString();
        return client.fetchSummary(correlationId)
                .chain(this::publishIfChanged)
                .onFailure().recoverWithItem(failure -> failed(failure, correlationId))
                .invoke(status::record);
    }

    private Uni<PollOutcome> publishIfChanged(SummaryResponse response) {
        Instant detectedAt = clock.instant();
        BalanceSnapshot current;
        try {
            current = parser.parse(response.body());
        } catch (InvalidSummaryException e) {
            return Uni.createFrom().failure(new PollFailure("invalid_body", response, "invalid InvoiceSummary: "
                    + e.getMessage()));
        }
        Optional<BalanceTransition> transition = detector.detect(
                baselines.lastPublished(accountId()).orElse(null), current);
        if (transition.isEmpty()) {
            return Uni.createFrom().item(PollOutcome.of(PollOutcome.UNCHANGED));
        }
        BalanceChanged event;
        try {
            event = BalanceEventMapper.toEvent(client.account(), transition.get(), response.requestId(),
                    response.correlationId(), detectedAt);
        } catch (UnrepresentableAmountException e) {
            return Uni.createFrom().failure(new PollFailure("unrepresentable_amount", response, e.getMessage()));
        }
        return publisher.publish(event)
                .onFailure().transform(e -> new PollFailure("publish", response, "event " + event.getSequence()
                        + " not acknowledged by Kafka, the change will be published by a later poll: " + e))
                .invoke(() -> {
                    baselines.advance(accountId(), transition.get().published());
                    LOG.infof("Published event %d of account %s: %s (correlation %s, request %s)",
                            event.getSequence(), accountId(), event.getChanges(), response.correlationId(),
                            response.requestId());
                })
                .replaceWith(PollOutcome.of(PollOutcome.PUBLISHED));
    }

    private PollOutcome failed(Throwable failure, String correlationId) {
        if (failure instanceof PollFailure pollFailure) {
            LOG.errorf("Poll of account %s failed (%s), correlation %s, request %s: %s", accountId(),
                    pollFailure.cause, correlationId, pollFailure.requestId, pollFailure.getMessage());
            return PollOutcome.of(pollFailure.cause);
        }
        if (failure instanceof PartnerCenterException partnerCenter) {
            String cause = partnerCenter.reason().name().toLowerCase(java.util.Locale.ROOT);
            LOG.errorf("Poll of account %s failed (%s), correlation %s, request %s: %s", accountId(), cause,
                    correlationId, partnerCenter.requestId(), partnerCenter.getMessage());
            return new PollOutcome(cause, partnerCenter.retryAfter());
        }
        LOG.errorf(failure, "Poll of account %s failed unexpectedly, correlation %s", accountId(), correlationId);
        return PollOutcome.of("unexpected");
    }

    /** A failure after Partner Center answered: carries the ids for the log line. */
    private static final class PollFailure extends RuntimeException {
        private final String cause;
        private final String requestId;

        PollFailure(String cause, SummaryResponse response, String message) {
            super(message, null, false, false);
            this.cause = cause;
            this.requestId = response.requestId();
        }
    }
}
