package io.balancestream.poller;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.balancestream.config.Cloud;
import io.balancestream.config.PartnerAccount;
import io.balancestream.state.AccountStateCodec.StoredState;
import io.balancestream.publish.EventPublisher;
import io.balancestream.publish.PublishException;
import io.balancestream.publish.PublishException.Outcome;
import io.balancestream.publish.PendingEvent;
import io.balancestream.events.BalanceChanged;
import io.balancestream.events.ChangeKind;
import io.balancestream.events.PollTrigger;
import io.balancestream.partnercenter.PartnerCenterException;
import io.balancestream.partnercenter.SummaryResponse;
import io.balancestream.partnercenter.SummarySource;
import io.balancestream.state.Baselines;
import io.balancestream.state.RecoveredStates;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;

/**
 * One account's poller against a scripted Partner Center and a scripted Kafka: what it publishes, with which
 * sequence, and when it advances the baseline, poll by poll. The process tests (FaultToleranceIT, PublishRetryIT)
 * show the same against real brokers; these show each rule on its own, in milliseconds.
 */
class AccountPollerTest {

    private static final PartnerAccount ACCOUNT = new PartnerAccount("contoso", "tenant", "client", "secret",
            Cloud.GLOBAL, Cloud.GLOBAL.apiUrl(), Cloud.GLOBAL.tokenUrl("tenant"), Cloud.GLOBAL.scope());

    private final ScriptedPartnerCenter partnerCenter = new ScriptedPartnerCenter();
    private final ScriptedKafka kafka = new ScriptedKafka();
    private final Baselines baselines = new Baselines();
    /** What the state topic holds for the account, as a resync would read it back; null: nothing, or unreachable. */
    private StoredState stateTopic;
    private boolean stateTopicReachable = true;
    private int resyncs;

    private final AccountPoller poller = new AccountPoller(partnerCenter, 1, new PollingContext(kafka, baselines,
            (accountId, timeout) -> {
                resyncs++;
                if (!stateTopicReachable) {
                    throw new IllegalStateException("state topic unreachable");
                }
                return new RecoveredStates(stateTopic == null ? Map.of() : Map.of(accountId, stateTopic), Map.of(),
                        Map.of());
            }, new PollMetrics(new SimpleMeterRegistry(), null), OpenTelemetry.noop().getTracer("test"),
            Clock.systemUTC(), Optional.empty()), new AccountStatus(ACCOUNT.accountId(), 0, Clock.systemUTC()));

    @Test
    void theFirstObservationIsPublishedOnceAndTheSameSummaryAgainPublishesNothing() {
        assertThat(poll(summary("100.00")).result()).isEqualTo(PollOutcome.PUBLISHED);
        assertThat(poll(summary("100.00")).result()).isEqualTo(PollOutcome.UNCHANGED);
        assertThat(poll(summary("100.00")).result()).isEqualTo(PollOutcome.UNCHANGED);

        assertThat(kafka.committed).singleElement().satisfies(event -> {
            assertThat(event.getSequence()).isEqualTo(1);
            assertThat(event.getChanges()).containsExactly(ChangeKind.FIRST_OBSERVATION);
            assertThat(event.getCurrent().getBalanceAmount()).isEqualByComparingTo("100.00");
        });
        assertThat(baselines.lastPublished(ACCOUNT.accountId())).get().extracting(state -> state.sequence())
                .isEqualTo(1L);
    }

    @Test
    void aChangeAfterUnchangedPollsIsPublishedAndAReturnToAnEarlierBalanceIsAChangeToo() {
        poll(summary("100.00"));
        poll(summary("100.00"));
        poll(summary("100.00")); // compared with the very objects found equal before: nothing compared at all

        assertThat(poll(summary("250.50")).result()).isEqualTo(PollOutcome.PUBLISHED);
        assertThat(poll(summary("100.00")).result()).isEqualTo(PollOutcome.PUBLISHED);

        assertThat(kafka.committed).extracting(BalanceChanged::getSequence).containsExactly(1L, 2L, 3L);
        assertThat(kafka.committed.get(1).getChanges()).containsExactly(ChangeKind.BALANCE);
        assertThat(kafka.committed.get(1).getPrevious().getBalanceAmount()).isEqualByComparingTo("100.00");
        assertThat(kafka.committed.get(2).getPrevious().getBalanceAmount()).isEqualByComparingTo("250.50");
        assertThat(kafka.committed.get(2).getCurrent().getBalanceAmount()).isEqualByComparingTo("100.00");
    }

    @Test
    void changesSeenWhileKafkaRefusesWaitInOrderAndGoOutOnceEachWithTheirOwnSequence() {
        poll(summary("100.00"));
        kafka.abortNext(2);

        PollOutcome refused = poll(summary("200.00"));
        assertThat(refused.result()).isEqualTo("publish");
        assertThat(poll(summary("300.00")).result()).isEqualTo("publish");
        assertThat(poller.unpublishedChanges()).isEqualTo(2);
        assertThat(baselines.lastPublished(ACCOUNT.accountId())).get().extracting(state -> state.sequence())
                .as("the baseline waits for Kafka's commit").isEqualTo(1L);

        assertThat(poll(summary("300.00")).result()).isEqualTo(PollOutcome.UNCHANGED);
        assertThat(kafka.committed).extracting(BalanceChanged::getSequence).containsExactly(1L, 2L, 3L);
        assertThat(kafka.committed).extracting(event -> event.getCurrent().getBalanceAmount())
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("100.00"), new BigDecimal("200.00"), new BigDecimal("300.00"));
        assertThat(kafka.transactions).as("the two waiting changes go out in one transaction").isEqualTo(2);
        assertThat(poller.unpublishedChanges()).isZero();
        assertThat(baselines.lastPublished(ACCOUNT.accountId())).get().extracting(state -> state.sequence())
                .isEqualTo(3L);
    }

    @Test
    void afterAnUnknownOutcomeThatCommittedNothingIsPublishedAgain() {
        kafka.commitButReportUnknownNext();
        assertThat(poll(summary("100.00")).result()).isEqualTo("publish");
        stateTopic = kafka.lastState(ACCOUNT.accountId());

        assertThat(poll(summary("100.00")).result()).isEqualTo(PollOutcome.UNCHANGED);

        assertThat(resyncs).isEqualTo(1);
        assertThat(kafka.committed).extracting(BalanceChanged::getSequence).containsExactly(1L);
        assertThat(baselines.lastPublished(ACCOUNT.accountId())).get().extracting(state -> state.sequence())
                .isEqualTo(1L);
    }

    @Test
    void afterAnUnknownOutcomeThatDidNotCommitTheSameEventIsPublishedWithTheSameSequence() {
        kafka.unknownNext();
        poll(summary("100.00"));
        BalanceChanged lost = kafka.attempted.get(0);

        assertThat(poll(summary("100.00")).result()).isEqualTo(PollOutcome.UNCHANGED);

        assertThat(resyncs).isEqualTo(1);
        assertThat(kafka.committed).singleElement().satisfies(event -> {
            assertThat(event.getSequence()).isEqualTo(1);
            assertThat(event.getEventId()).isEqualTo(lost.getEventId());
        });
    }

    @Test
    void whileTheStateCannotBeReadBackNothingIsPublished() {
        kafka.unknownNext();
        poll(summary("100.00"));
        stateTopicReachable = false;

        assertThat(poll(summary("200.00")).result()).isEqualTo("publish");
        assertThat(kafka.committed).isEmpty();
        assertThat(poller.unpublishedChanges()).isEqualTo(2);

        stateTopicReachable = true;
        poll(summary("200.00"));
        assertThat(kafka.committed).extracting(BalanceChanged::getSequence).containsExactly(1L, 2L);
    }

    @Test
    void anInstanceThatNoLongerOwnsTheAccountDropsWhatWaits() {
        kafka.notOwnerNext();

        assertThat(poll(summary("100.00")).result()).isEqualTo("publish");

        assertThat(poller.unpublishedChanges()).isZero();
        assertThat(kafka.committed).isEmpty();
        assertThat(baselines.lastPublished(ACCOUNT.accountId())).isEmpty();
    }

    @Test
    void aFailedFetchOrABadBodyPublishesNothingAndLosesNoChange() {
        poll(summary("100.00"));
        partnerCenter.failNext(new PartnerCenterException(PartnerCenterException.Reason.THROTTLED, "429", "req",
                Duration.ofSeconds(30)));

        PollOutcome throttled = poll(summary("200.00"));
        assertThat(throttled.result()).isEqualTo("throttled");
        assertThat(throttled.waitAtLeast()).contains(Duration.ofSeconds(30));
        assertThat(poll("<html>Service Unavailable</html>").result()).isEqualTo("invalid_body");
        assertThat(kafka.committed).hasSize(1);

        assertThat(poll(summary("200.00")).result()).isEqualTo(PollOutcome.PUBLISHED);
        assertThat(kafka.committed).extracting(BalanceChanged::getSequence).containsExactly(1L, 2L);
        assertThat(kafka.committed.get(1).getPrevious().getBalanceAmount()).isEqualByComparingTo("100.00");
    }

    private PollOutcome poll(String body) {
        partnerCenter.answer(body);
        return poller.pollOnce(PollTrigger.SCHEDULE).await().atMost(Duration.ofSeconds(10));
    }

    private static String summary(String balance) {
        return """
                {"balanceAmount": %s, "currencyCode": "USD", "currencySymbol": "$",
                 "accountingDate": "2026-11-01T00:00:00", "firstInvoiceCreationDate": "2017-01-21T00:00:00Z",
                 "lastPaymentDate": "0001-01-01T00:00:00", "lastPaymentAmount": 0,
                 "latestInvoiceDate": "2026-11-01T00:00:00", "details": []}
                """.formatted(balance);
    }

    /** Partner Center answering each poll with the body given for it, or failing once when told to. */
    private static final class ScriptedPartnerCenter implements SummarySource {
        private String body;
        private PartnerCenterException failure;

        void answer(String next) {
            body = next;
        }

        void failNext(PartnerCenterException next) {
            failure = next;
        }

        @Override
        public PartnerAccount account() {
            return ACCOUNT;
        }

        @Override
        public Uni<SummaryResponse> fetchSummary(String correlationId, Context trace) {
            PartnerCenterException failing = failure;
            failure = null;
            return failing != null ? Uni.createFrom().failure(failing)
                    : Uni.createFrom().item(new SummaryResponse(body, "req-" + correlationId, correlationId));
        }

        @Override
        public Optional<String> unsavedRefreshToken() {
            return Optional.empty();
        }

        @Override
        public void refreshTokenSaved(String saved) {
        }
    }

    /** Kafka committing each transaction, or failing the next ones the way it was told to. */
    private static final class ScriptedKafka implements EventPublisher {
        final List<BalanceChanged> committed = new ArrayList<>();
        final List<BalanceChanged> attempted = new ArrayList<>();
        private final Deque<Outcome> failures = new ArrayDeque<>();
        private boolean commitButReportUnknown;
        private StoredState lastState;
        int transactions;

        void abortNext(int times) {
            for (int i = 0; i < times; i++) {
                failures.add(Outcome.ABORTED);
            }
        }

        void unknownNext() {
            failures.add(Outcome.UNKNOWN);
        }

        void notOwnerNext() {
            failures.add(Outcome.NOT_OWNER);
        }

        /** The commit went through but its acknowledgement was lost. */
        void commitButReportUnknownNext() {
            commitButReportUnknown = true;
        }

        StoredState lastState(String accountId) {
            assertThat(lastState.accountId()).isEqualTo(accountId);
            return lastState;
        }

        @Override
        public CompletableFuture<Void> publish(String accountId, long epoch, List<PendingEvent> events,
                Context trace) {
            events.forEach(pending -> attempted.add(pending.event()));
            Outcome failing = failures.poll();
            if (failing != null) {
                return CompletableFuture.failedFuture(new PublishException(failing, "scripted " + failing, null));
            }
            transactions++;
            events.forEach(pending -> committed.add(pending.event()));
            PendingEvent last = events.get(events.size() - 1);
            lastState = new StoredState(accountId, last.state(), 0, committed.size() - 1L);
            if (commitButReportUnknown) {
                commitButReportUnknown = false;
                return CompletableFuture.failedFuture(new PublishException(Outcome.UNKNOWN, "ack lost", null));
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> storeRefreshToken(String accountId, long epoch, byte[] sealed) {
            return CompletableFuture.completedFuture(null);
        }
    }
}
