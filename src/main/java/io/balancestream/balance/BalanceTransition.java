package io.balancestream.balance;

import java.util.Objects;
import java.util.Set;

/**
 * A change worth an event: from the last published state (null for the account's first event) to the current one.
 *
 * @param sequence the sequence number the event of this transition carries
 */
public record BalanceTransition(BalanceSnapshot previous, BalanceSnapshot current, Set<ChangeKind> changes, long sequence) {

    public BalanceTransition {
        Objects.requireNonNull(current, "current");
        if (changes.isEmpty()) {
            throw new IllegalArgumentException("a transition has at least one change");
        }
        changes = Set.copyOf(changes);
    }

    /** The state to compare the next poll with once this transition's event is acknowledged. */
    public PublishedState published() {
        return new PublishedState(current, sequence);
    }
}
