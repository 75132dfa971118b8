package io.balancestream.poller;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/** A wave of first polls never exceeds its permits, and every way a poll ends passes its permit on. */
class FirstPollGateTest {

    /** A first poll that runs until the test ends it. */
    private static final class Poll {
        final CompletableFuture<String> result = new CompletableFuture<>();
        boolean started;

        Uni<String> uni() {
            return Uni.createFrom().deferred(() -> {
                started = true;
                return Uni.createFrom().completionStage(result);
            });
        }
    }

    private static List<Poll> polls(int count) {
        List<Poll> polls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            polls.add(new Poll());
        }
        return polls;
    }

    @Test
    void atMostThePermitsRunAtOnceAndTheOthersStartInTurn() {
        FirstPollGate gate = new FirstPollGate(3);
        List<Poll> polls = polls(10);
        AtomicInteger done = new AtomicInteger();
        polls.forEach(poll -> gate.through(poll.uni()).subscribe().with(ignored -> done.incrementAndGet()));

        assertThat(polls).filteredOn(poll -> poll.started).hasSize(3);
        polls.get(1).result.complete("unchanged");
        assertThat(polls.get(3).started).isTrue();
        assertThat(polls).filteredOn(poll -> poll.started).hasSize(4);
        assertThat(gate.running()).isEqualTo(3);

        polls.forEach(poll -> poll.result.complete("unchanged"));
        assertThat(polls).allMatch(poll -> poll.started);
        assertThat(done).hasValue(10);
        assertThat(gate.running()).isZero();
    }

    @Test
    void aFailedFirstPollPassesItsPermitOn() {
        FirstPollGate gate = new FirstPollGate(1);
        List<Poll> polls = polls(2);
        polls.forEach(poll -> gate.through(poll.uni()).subscribe().with(ignored -> {
        }, failure -> {
        }));

        polls.get(0).result.completeExceptionally(new IllegalStateException("token endpoint down"));
        assertThat(polls.get(1).started).isTrue();
    }

    @Test
    void aPollCancelledWhileItWaitsNeverTakesAPermit() {
        FirstPollGate gate = new FirstPollGate(1);
        List<Poll> polls = polls(3);
        List<Cancellable> subscriptions = new ArrayList<>();
        polls.forEach(poll -> subscriptions.add(gate.through(poll.uni()).subscribe().with(ignored -> {
        })));

        subscriptions.get(1).cancel(); // its account moved to another instance before its turn
        polls.get(0).result.complete("published");

        assertThat(polls.get(1).started).isFalse();
        assertThat(polls.get(2).started).isTrue();
        polls.get(2).result.complete("unchanged");
        assertThat(gate.running()).isZero();
    }

    @Test
    void aPollCancelledWhileItRunsPassesItsPermitOn() {
        FirstPollGate gate = new FirstPollGate(1);
        List<Poll> polls = polls(2);
        List<Cancellable> subscriptions = new ArrayList<>();
        polls.forEach(poll -> subscriptions.add(gate.through(poll.uni()).subscribe().with(ignored -> {
        })));

        subscriptions.get(0).cancel();
        assertThat(polls.get(1).started).isTrue();
        assertThat(gate.running()).isEqualTo(1);
    }
}
