package io.balancestream.observability;

import java.util.function.Supplier;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Uni;

/**
 * Runs an asynchronous call with a trace context current while it is created and subscribed to, so that the
 * instrumentation underneath (REST client, Kafka emitter) parents its spans on the poll's span. Mutiny hops
 * threads, so "current" has to be set at the moment the call starts, not once at the top of the poll.
 */
public final class Traced {

    private Traced() {
    }

    public static <T> Uni<T> within(Context context, Supplier<Uni<T>> call) {
        if (context == Context.root()) {
            return call.get(); // tracing off: nothing to make current
        }
        return Uni.createFrom().emitter(emitter -> {
            try (Scope ignored = context.makeCurrent()) {
                call.get().subscribe().with(emitter::complete, emitter::fail);
            }
        });
    }
}
