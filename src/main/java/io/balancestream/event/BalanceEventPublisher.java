package io.balancestream.event;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.balancestream.events.BalanceChanged;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/** Sends events to the {@code balance-changed} channel, keyed by account so that an account's events keep order. */
@ApplicationScoped
public class BalanceEventPublisher {

    public static final String CHANNEL = "balance-changed";

    @Inject
    @Channel(CHANNEL)
    MutinyEmitter<BalanceChanged> emitter;

    /**
     * Completes once the broker acknowledged the event (acks=all), fails if it could not be written.
     *
     * @param trace the poll's trace context: the Kafka send span is its child and the record's traceparent
     *              header carries it to consumers (no-op while tracing is off)
     */
    public Uni<Void> publish(BalanceChanged event, Context trace) {
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.getAccountId())
                .build();
        return emitter.sendMessage(Message.of(event).addMetadata(metadata)
                .addMetadata(TracingMetadata.with(trace, trace)));
    }
}
