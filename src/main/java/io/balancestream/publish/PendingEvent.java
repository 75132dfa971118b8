package io.balancestream.publish;

import io.balancestream.balance.PublishedState;
import io.balancestream.events.BalanceChanged;

/** One of an account's events to publish, with the state it leaves the account in. */
public record PendingEvent(BalanceChanged event, PublishedState state) {
}
