package io.balancestream.poller;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

import io.smallrye.mutiny.Uni;

/**
 * Lets at most {@code permits} first polls run at once: when the group hands over many accounts (startup, a failover),
 * their token requests and first fetches go out in a bounded wave instead of all in the same instant, and their
 * later polls stay spread by when each first poll ended. Written here because Mutiny has no asynchronous semaphore;
 * a wait never blocks a thread, and a poll cancelled while it waits (its account moved) never holds a permit.
 */
final class FirstPollGate {

    private final int permits;
    private final Deque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private int running;

    FirstPollGate(int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1, was " + permits);
        }
        this.permits = permits;
    }

    /** {@code work}, subscribed once a permit is free; the permit is passed on when it ends, fails or is cancelled. */
    <T> Uni<T> through(Uni<T> work) {
        return Uni.createFrom().deferred(() -> {
            CompletableFuture<Void> turn = enter();
            return Uni.createFrom().completionStage(turn)
                    .chain(() -> work)
                    .onTermination().invoke(() -> leave(turn));
        });
    }

    /** First polls running now (tests). */
    synchronized int running() {
        return running;
    }

    private synchronized CompletableFuture<Void> enter() {
        CompletableFuture<Void> turn = new CompletableFuture<>();
        if (running < permits) {
            running++;
            turn.complete(null);
        } else {
            waiting.add(turn);
        }
        return turn;
    }

    private void leave(CompletableFuture<Void> turn) {
        CompletableFuture<Void> next;
        synchronized (this) {
            if (waiting.remove(turn)) {
                return; // cancelled while it waited: it never held a permit
            }
            next = waiting.poll();
            if (next == null) {
                running--;
            }
        }
        if (next != null) {
            next.complete(null); // outside the lock: the next poll starts on this thread
        }
    }
}
