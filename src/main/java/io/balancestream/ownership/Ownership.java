package io.balancestream.ownership;

/** What the publisher needs to know about ownership: one consistent snapshot of it, taken once per transaction. */
public interface Ownership {

    /** The ownership now; never null ({@link OwnershipSnapshot#EMPTY} before joining the group). */
    OwnershipSnapshot snapshot();
}
