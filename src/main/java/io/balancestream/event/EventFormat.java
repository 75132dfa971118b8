package io.balancestream.event;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.balancestream.events.BalanceChanged;

/**
 * How events are encoded on the wire, decided by {@code balance-stream.kafka.value-serializer}: Avro single-object
 * encoding ({@link BalanceChangedSerializer}, the default) or Apicurio Registry's Avro serde (registry mode).
 */
public final class EventFormat {

    private static final String KEY = "balance-stream.kafka.value-serializer";

    private EventFormat() {
    }

    /** The serializer named by the setting, configured with the Kafka settings (registry URL and the like). */
    public static Serializer<BalanceChanged> serializerFor(String valueSerializer, Map<String, Object> config) {
        if (AvroKafkaSerializer.class.getName().equals(valueSerializer)) {
            AvroKafkaSerializer<BalanceChanged> serializer = new AvroKafkaSerializer<>();
            serializer.configure(new HashMap<>(config), false);
            return serializer;
        }
        if (BalanceChangedSerializer.class.getName().equals(valueSerializer)) {
            return new BalanceChangedSerializer();
        }
        throw unsupported(valueSerializer);
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
        if (BalanceChangedSerializer.class.getName().equals(valueSerializer)) {
            return new BalanceChangedDeserializer();
        }
        throw unsupported(valueSerializer);
    }

    private static IllegalStateException unsupported(String valueSerializer) {
        return new IllegalStateException(KEY + "=" + valueSerializer + " is not supported: use "
                + BalanceChangedSerializer.class.getName() + " (default) or " + AvroKafkaSerializer.class.getName()
                + " (registry mode)");
    }
}
