package io.balancestream.publish;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.opentelemetry.context.Context;

/**
 * One account's part of a transaction: its events oldest first, or a sealed refresh token, or both.
 *
 * @param epoch        the ownership epoch the account's loop made it in
 * @param refreshToken a sealed refresh token to store (App+User accounts), or null
 * @param trace        the poll's trace, or null
 */
record PublishRequest(String accountId, long epoch, List<PendingEvent> events, byte[] refreshToken, Context trace,
        CompletableFuture<Void> done) {

    PublishRequest {
        events = List.copyOf(events);
    }

    void fail(PublishException failure) {
        done.completeExceptionally(failure);
    }

    void notOwned() {
        fail(new PublishException(PublishException.Outcome.NOT_OWNER, "account " + accountId
                + " is not owned by this instance in the epoch its request was made in", null));
    }
}
