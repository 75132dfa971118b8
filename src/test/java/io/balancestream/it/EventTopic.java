package io.balancestream.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;

import io.balancestream.event.BalanceChangedDeserializer;
import io.balancestream.events.BalanceChanged;

/** Reads the event topic the way a downstream service does (read_committed), from the start, every time. */
final class EventTopic {

    record Event(String key, BalanceChanged value, Map<String, String> headers, int partition, long offset) {
    }

    private EventTopic() {
    }

    static String name() {
        return ConfigProvider.getConfig().getValue("mp.messaging.outgoing.balance-changed.topic", String.class);
    }

    static List<Event> readAll() {
        return readAll(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class), name());
    }

    static List<Event> readAll(String bootstrap, String topic) {
        return readAll(bootstrap, topic, new BalanceChangedDeserializer());
    }

    static List<Event> readAll(String bootstrap, String topic, Deserializer<BalanceChanged> deserializer) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<Event> events = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Map<String, String> headers = new java.util.LinkedHashMap<>();
                    for (Header header : record.headers()) {
                        headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
                    }
                    events.add(new Event(record.key(), deserializer.deserialize(record.topic(), record.headers(),
                            record.value()),
                            headers, record.partition(), record.offset()));
                }
            }
        }
        return events;
    }

    static List<BalanceChanged> eventsOf(String accountId) {
        return readAll().stream().filter(event -> accountId.equals(event.key())).map(Event::value).toList();
    }
}
