package io.balancestream.poller;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.balancestream.events.PollTrigger;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * When one account polls next: at its interval, or sooner when Partner Center pushed (a verified invoice-ready).
 * A push is satisfied by a poll that starts after it: one that arrives while the account waits ends the wait, one
 * that arrives during a poll asks for one more right after it (that poll's request may have left before the invoice
 * existed). However many pushes arrive, a pushed poll starts no sooner than {@code minInterval} after the start of
 * the previous poll, and never while a 429's Retry-After holds. Written here because the wait is the loop's own: a
 * timer that a push may cut short.
 */
final class PollWakeup {

    private final Clock clock;
    private final Duration minInterval;
    private Instant lastStart;
    private boolean pushed;
    private boolean polling;
    private boolean throttled;
    private CompletableFuture<Boolean> waiting;

    PollWakeup(Clock clock, Duration minInterval) {
        this.clock = clock;
        this.minInterval = minInterval;
    }

    /** A verified push for this account. */
    synchronized PushedPoll push() {
        if (pushed) {
            return PushedPoll.COALESCED;
        }
        pushed = true;
        if (polling || throttled) {
            return PushedPoll.QUEUED;
        }
        if (waiting != null) {
            waiting.complete(true);
        }
        return PushedPoll.WOKE;
    }

    /** The loop starts a poll: returns what triggered it. */
    synchronized PollTrigger pollStarts() {
        PollTrigger trigger = pushed ? PollTrigger.WEBHOOK : PollTrigger.SCHEDULE;
        pushed = false;
        polling = true;
        waiting = null;
        lastStart = clock.instant();
        return trigger;
    }

    /**
     * The wait after a poll: {@code interval}, cut short by a push (then only as long as the rate limit needs).
     * Whichever comes first ends it without an exception: an elapsed interval is the normal end of every wait, and a
     * timeout operator would build two or three stack traces per poll for it (a timeout, a cancellation).
     *
     * @param throttled Partner Center asked for this pause (429): a push does not shorten it
     */
    Uni<Void> waitAfterPoll(Duration interval, boolean throttled) {
        CompletableFuture<Boolean> wake = new CompletableFuture<>();
        synchronized (this) {
            polling = false;
            this.throttled = throttled;
            waiting = wake;
            if (pushed && !throttled) {
                wake.complete(true);
            }
        }
        long millis = Math.max(1, interval.toMillis());
        return Uni.createFrom().<Boolean> emitter(emitter -> {
            // Mutiny's own scheduler: in Quarkus a Vert.x timer on the poll's event loop, as ifNoItem() would use.
            ScheduledFuture<?> elapsed = Infrastructure.getDefaultWorkerPool()
                    .schedule(() -> emitter.complete(false), millis, TimeUnit.MILLISECONDS);
            emitter.onTermination(() -> elapsed.cancel(false));
            wake.thenRun(() -> emitter.complete(true)); // a second completion is ignored by the emitter
        }).chain(woken -> {
            Duration rest = woken ? restOfMinInterval() : Duration.ZERO;
            return rest.isZero() ? Uni.createFrom().voidItem()
                    : Uni.createFrom().voidItem().onItem().delayIt().by(rest);
        });
    }

    private synchronized Duration restOfMinInterval() {
        if (lastStart == null) {
            return Duration.ZERO;
        }
        long nanos = Duration.between(clock.instant(), lastStart.plus(minInterval)).toNanos();
        // Up to whole milliseconds: the timer counts in them and would otherwise end the wait up to 1 ms early.
        return nanos <= 0 ? Duration.ZERO : Duration.ofMillis((nanos + 999_999) / 1_000_000);
    }
}
