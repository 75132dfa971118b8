package io.balancestream.ownership;

import java.util.Set;

/** Told, on the group member's thread, when this instance gains or loses partitions of the state topic. */
public interface OwnershipListener {

    /**
     * Recover and start the accounts of these partitions; ownership is confirmed once this returns.
     *
     * @param now the ownership with these partitions gained: their accounts' requests carry its epochs
     */
    void assigned(Set<Integer> partitions, OwnershipSnapshot now);

    /**
     * Stop the accounts of these partitions. Their epochs have ended already, so no new transaction takes their
     * requests; when this returns, no transaction of this instance that holds them may still commit: the group hands
     * them to another instance right after.
     */
    void revoked(Set<Integer> partitions, PartitionSpread spread);
}
