package io.balancestream.event;

import java.io.IOException;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import io.balancestream.events.BalanceChanged;

/** Reads the single-object encoding written by {@link BalanceChangedSerializer}; for consumers and recovery. */
public class BalanceChangedDeserializer implements Deserializer<BalanceChanged> {

    @Override
    public BalanceChanged deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return BalanceChanged.getDecoder().decode(data);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Not a BalanceChanged in Avro single-object encoding on " + topic, e);
        }
    }
}
