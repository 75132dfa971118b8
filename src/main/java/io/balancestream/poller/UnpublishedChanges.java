package io.balancestream.poller;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import io.balancestream.balance.BalanceTransition;
import io.balancestream.balance.PublishedState;
import io.balancestream.events.BalanceChanged;

/**
 * One account's changes that Kafka has not committed yet, oldest first, each with its own sequence number. The
 * poll loop adds and publishes; a metrics scrape reads the size from another thread, hence the locking.
 */
final class UnpublishedChanges {

    record Change(BalanceTransition transition, BalanceChanged event) {
    }

    private final int capacity;
    private final Deque<Change> changes = new ArrayDeque<>();

    UnpublishedChanges(int capacity) {
        this.capacity = capacity;
    }

    /** What the next observation is compared with: the newest queued state, else the last published one. */
    synchronized PublishedState newestState(PublishedState lastPublished) {
        Change newest = changes.peekLast();
        return newest != null ? newest.transition().published() : lastPublished;
    }

    /**
     * Queues a change detected against {@link #newestState}. When full, the change is not queued: the state it
     * shows is seen again by a later poll once the queue drains, so only intermediate states of a long outage are
     * lost, never the latest, and no sequence number is ever given to two different states.
     *
     * @return false when the queue is full
     */
    synchronized boolean add(Change change) {
        if (changes.size() >= capacity) {
            return false;
        }
        Change newest = changes.peekLast();
        long expected = newest == null ? -1 : newest.event().getSequence() + 1;
        if (newest != null && change.event().getSequence() != expected) {
            throw new IllegalArgumentException("change " + change.event().getSequence() + " does not follow "
                    + newest.event().getSequence());
        }
        changes.addLast(change);
        return true;
    }

    synchronized List<Change> all() {
        return List.copyOf(changes);
    }

    /** Drops every change up to and including {@code sequence}: Kafka has it. */
    synchronized void committedUpTo(long sequence) {
        changes.removeIf(change -> change.event().getSequence() <= sequence);
    }

    synchronized void clear() {
        changes.clear();
    }

    synchronized int size() {
        return changes.size();
    }
}
