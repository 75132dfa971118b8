package io.balancestream.publish;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;

import io.balancestream.events.BalanceChanged;
import io.balancestream.ownership.AccountPartitions;
import io.balancestream.ownership.PartitionSpread;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * The event topic's records: each event serialized as configured, on its account's partition (where its earlier
 * events are, even after partitions were added), with a producer span under the poll's trace whose traceparent header
 * carries the trace on to consumers.
 */
final class EventRecords {

    private final String topic;
    private final Serializer<BalanceChanged> serializer;
    private final OpenTelemetry telemetry;
    private final Tracer tracer;

    EventRecords(String topic, Serializer<BalanceChanged> serializer, OpenTelemetry telemetry, Tracer tracer) {
        this.topic = topic;
        this.serializer = serializer;
        this.telemetry = telemetry;
        this.tracer = tracer;
    }

    static int partition(String accountId, PartitionSpread spread) {
        return AccountPartitions.partitionOf(accountId, spread.eventPartitions());
    }

    /** @param spans collects the span started for the record, to be ended with the transaction */
    ProducerRecord<String, byte[]> record(BalanceChanged event, int partition, Context trace, List<Span> spans) {
        RecordHeaders headers = new RecordHeaders();
        byte[] value = serializer.serialize(topic, headers, event);
        if (trace != null) {
            Span span = tracer.spanBuilder(topic + " publish").setParent(trace).setSpanKind(SpanKind.PRODUCER)
                    .setAttribute("messaging.system", "kafka")
                    .setAttribute("messaging.destination.name", topic)
                    .setAttribute("messaging.kafka.message.key", event.getAccountId())
                    .startSpan();
            spans.add(span);
            telemetry.getPropagators().getTextMapPropagator().inject(trace.with(span), headers,
                    (carrier, key, header) -> carrier.remove(key).add(key, header.getBytes(StandardCharsets.UTF_8)));
        }
        return new ProducerRecord<>(topic, partition, event.getAccountId(), value, headers);
    }
}
