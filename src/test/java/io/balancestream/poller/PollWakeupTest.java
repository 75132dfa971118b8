package io.balancestream.poller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.balancestream.events.PollTrigger;
import io.smallrye.mutiny.TimeoutException;

class PollWakeupTest {

    private static final Duration LONG = Duration.ofHours(1);
    private static final Duration NOT_WITHIN = Duration.ofMillis(300);

    /** A clock the test moves by hand, for the minimum interval between pushed polls. */
    private static final class ManualClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-29T10:00:00Z"));

        void advance(Duration by) {
            now.updateAndGet(instant -> instant.plus(by));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void aPushEndsTheWaitAndTheNextPollSaysItWasPushed() {
        ManualClock clock = new ManualClock();
        PollWakeup wakeup = new PollWakeup(clock, Duration.ofSeconds(5));
        assertThat(wakeup.pollStarts()).isEqualTo(PollTrigger.SCHEDULE);
        clock.advance(Duration.ofSeconds(10));
        var wait = wakeup.waitAfterPoll(LONG, false).subscribeAsCompletionStage();

        assertThat(wakeup.push()).isEqualTo(PushedPoll.WOKE);
        wait.toCompletableFuture().orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join();
        assertThat(wakeup.pollStarts()).isEqualTo(PollTrigger.WEBHOOK);
    }

    @Test
    void aBurstDuringAPollAsksForExactlyOneMorePoll() {
        ManualClock clock = new ManualClock();
        PollWakeup wakeup = new PollWakeup(clock, Duration.ofSeconds(5));
        wakeup.pollStarts();
        assertThat(wakeup.push()).isEqualTo(PushedPoll.QUEUED);
        for (int i = 0; i < 99; i++) {
            assertThat(wakeup.push()).isEqualTo(PushedPoll.COALESCED);
        }
        clock.advance(Duration.ofSeconds(10));
        wakeup.waitAfterPoll(LONG, false).await().atMost(Duration.ofSeconds(5));
        assertThat(wakeup.pollStarts()).isEqualTo(PollTrigger.WEBHOOK);

        // The burst is spent: the wait after this poll is the full interval again.
        clock.advance(Duration.ofSeconds(10));
        assertThatThrownBy(() -> wakeup.waitAfterPoll(LONG, false).await().atMost(NOT_WITHIN))
                .isInstanceOf(TimeoutException.class);
    }

    @Test
    void aPushedPollStartsNoSoonerThanTheMinimumIntervalAfterThePreviousOne() {
        Duration minInterval = Duration.ofMillis(400);
        PollWakeup wakeup = new PollWakeup(Clock.systemUTC(), minInterval);
        long started = System.nanoTime();
        wakeup.pollStarts();
        var wait = wakeup.waitAfterPoll(LONG, false).subscribeAsCompletionStage();
        assertThat(wakeup.push()).isEqualTo(PushedPoll.WOKE);
        wait.toCompletableFuture().orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(minInterval);
    }

    @Test
    void aPushDoesNotCutShortAPauseThatPartnerCenterAskedFor() {
        ManualClock clock = new ManualClock();
        PollWakeup wakeup = new PollWakeup(clock, Duration.ofSeconds(5));
        wakeup.pollStarts();
        clock.advance(Duration.ofSeconds(10));
        Duration retryAfter = Duration.ofMillis(400);
        long waiting = System.nanoTime();
        var wait = wakeup.waitAfterPoll(retryAfter, true).subscribeAsCompletionStage();

        assertThat(wakeup.push()).isEqualTo(PushedPoll.QUEUED);
        wait.toCompletableFuture().orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join();
        assertThat(Duration.ofNanos(System.nanoTime() - waiting)).isGreaterThanOrEqualTo(retryAfter);
        assertThat(wakeup.pollStarts()).isEqualTo(PollTrigger.WEBHOOK);
    }

    @Test
    void aScheduledPollIsNotHeldBackByTheMinimumInterval() {
        PollWakeup wakeup = new PollWakeup(Clock.systemUTC(), LONG);
        wakeup.pollStarts();
        wakeup.waitAfterPoll(Duration.ofMillis(50), false).await().atMost(Duration.ofSeconds(5));
        assertThat(wakeup.pollStarts()).isEqualTo(PollTrigger.SCHEDULE);
    }
}
