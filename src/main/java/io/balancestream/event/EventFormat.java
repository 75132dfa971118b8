package io.balancestream.event;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.serialization.Deserializer;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.balancestream.events.BalanceChanged;

/**
 * How events are encoded on the wire, decided by the channel's {@code value.serializer}: Avro single-object
 * encoding ({@link BalanceChangedSerializer}, the default) or Apicurio Registry's Avro serde (registry mode).
 * Whatever writes the events, the service reads them back the same way when it recovers its baselines.
 */
public final class EventFormat {

    private EventFormat() {
    }

    /**
     * A deserializer matching the configured serializer, configured from the channel's (and {@code kafka.*})
     * properties, so that registry settings apply to reading as they do to writing.
     */
    public static Deserializer<BalanceChanged> deserializerFor(String valueSerializer, Map<String, Object> config) {
        if (AvroKafkaSerializer.class.getName().equals(valueSerializer)) {
            Map<String, Object> registryConfig = new HashMap<>(config);
            registryConfig.put("apicurio.registry.use-specific-avro-reader", true);
            AvroKafkaDeserializer<BalanceChanged> deserializer = new AvroKafkaDeserializer<>();
            deserializer.configure(registryConfig, false);
            return deserializer;
        }
        if (valueSerializer == null || BalanceChangedSerializer.class.getName().equals(valueSerializer)) {
            return new BalanceChangedDeserializer();
        }
        throw new IllegalStateException("mp.messaging.outgoing.balance-changed.value.serializer=" + valueSerializer
                + " is not supported: use " + BalanceChangedSerializer.class.getName() + " (default) or "
                + AvroKafkaSerializer.class.getName() + " (registry mode)");
    }
}
