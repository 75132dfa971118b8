package io.balancestream.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;
import org.eclipse.microprofile.config.ConfigProvider;

import io.balancestream.event.BalanceChangedDeserializer;
import io.balancestream.events.BalanceChanged;
import io.balancestream.kafka.KafkaClients;
import io.balancestream.kafka.TopicReader;

/**
 * Reads the event topic the way a downstream service does (read_committed), from the start, every time, with the
 * service's own {@link TopicReader}.
 */
final class EventTopic {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** @param timestamp the record's timestamp: when the service's producer sent it */
    record Event(String key, BalanceChanged value, Map<String, String> headers, int partition, long offset,
            long timestamp) {
    }

    private EventTopic() {
    }

    static String name() {
        return ConfigProvider.getConfig().getValue("balance-stream.kafka.topic", String.class);
    }

    static List<Event> readAll() {
        return readAll(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class), name());
    }

    static List<Event> readAll(String bootstrap, String topic) {
        return readAll(bootstrap, topic, new BalanceChangedDeserializer());
    }

    static List<Event> readAll(String bootstrap, String topic, Deserializer<BalanceChanged> deserializer) {
        List<Event> events = new ArrayList<>();
        try (TopicReader reader = new TopicReader(KafkaClients.forReading(Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap)), "test-reader")) {
            reader.readToEnd(reader.partitionsOf(topic, TIMEOUT), TIMEOUT, () -> true, record -> {
                Map<String, String> headers = new LinkedHashMap<>();
                for (Header header : record.headers()) {
                    headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
                }
                events.add(new Event(record.key(), deserializer.deserialize(record.topic(), record.headers(),
                        record.value()), headers, record.partition(), record.offset(), record.timestamp()));
            });
        }
        events.sort(Comparator.comparing(Event::partition).thenComparing(Event::offset));
        return events;
    }

    static List<BalanceChanged> eventsOf(String accountId) {
        return readAll().stream().filter(event -> accountId.equals(event.key())).map(Event::value).toList();
    }
}
