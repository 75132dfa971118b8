package io.balancestream.publish;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.opentelemetry.context.Context;

/**
 * Where a poller's changes and rotated refresh tokens go, each call one Kafka transaction
 * ({@link TransactionalPublisher}). Every call carries the ownership epoch its account's loop runs in: once that epoch
 * ended (the account was revoked or lost, even if gained again since) the request fails as not owned and is never
 * published. A failed future carries a {@link PublishException} that says what is known of the outcome.
 */
public interface EventPublisher {

    /** The events in order with the state each leaves, and the group offsets that fence a stale owner, atomically. */
    CompletableFuture<Void> publish(String accountId, long epoch, List<PendingEvent> events, Context trace);

    /** App+User: the newest refresh token of the account, sealed, to the state topic. */
    CompletableFuture<Void> storeRefreshToken(String accountId, long epoch, byte[] sealed);
}
