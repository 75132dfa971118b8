package io.balancestream.event;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

import io.balancestream.events.BalanceChanged;

/**
 * Writes a {@link BalanceChanged} as Avro single-object encoding: the specification's two marker bytes, the
 * schema's CRC-64-AVRO fingerprint, then the binary datum. Any consumer holding the schema can decode it without
 * a registry. Headers repeat the content type and fingerprint so that tools can route without decoding.
 */
public class BalanceChangedSerializer implements Serializer<BalanceChanged> {

    @Override
    public byte[] serialize(String topic, BalanceChanged event) {
        if (event == null) {
            return null;
        }
        try {
            ByteBuffer buffer = BalanceChanged.getEncoder().encode(event);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not encode BalanceChanged " + event.getEventId(), e);
        }
    }

    @Override
    public byte[] serialize(String topic, Headers headers, BalanceChanged event) {
        byte[] bytes = serialize(topic, event);
        if (bytes != null) {
            headers.remove(EventHeaders.CONTENT_TYPE).remove(EventHeaders.SCHEMA_FINGERPRINT)
                    .remove(EventHeaders.EVENT_ID);
            headers.add(EventHeaders.CONTENT_TYPE, EventHeaders.SINGLE_OBJECT_CONTENT_TYPE
                    .getBytes(StandardCharsets.UTF_8));
            headers.add(EventHeaders.SCHEMA_FINGERPRINT, EventHeaders.schemaFingerprint()
                    .getBytes(StandardCharsets.UTF_8));
            headers.add(EventHeaders.EVENT_ID, event.getEventId().getBytes(StandardCharsets.UTF_8));
        }
        return bytes;
    }
}
