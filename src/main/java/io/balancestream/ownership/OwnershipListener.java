package io.balancestream.ownership;

import java.util.Set;

/** Told, on the group member's thread, when this instance gains or loses partitions of the state topic. */
public interface OwnershipListener {

    /** Recover and start the accounts of these partitions; ownership is confirmed once this returns. */
    void assigned(Set<Integer> partitions, int partitionCount);

    /**
     * Stop the accounts of these partitions. When this returns nothing of this instance may commit for them any more:
     * the group hands them to another instance right after.
     */
    void revoked(Set<Integer> partitions, int partitionCount);
}
