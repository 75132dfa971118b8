package io.balancestream.state;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import io.balancestream.balance.PublishedState;
import io.balancestream.event.BalanceEventMapper;
import io.balancestream.event.BalanceEventPublisher;
import io.balancestream.event.EventFormat;
import io.balancestream.events.BalanceChanged;
import io.smallrye.common.annotation.Identifier;

/**
 * Reads the event topic back to learn each account's last published state. The topic is the only record of what
 * was published, so the service needs no other storage and never trusts a state Kafka did not acknowledge.
 * Blocking: call it from a worker thread.
 */
@ApplicationScoped
public class EventLogReader {

    private static final Logger LOG = Logger.getLogger(EventLogReader.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

    private static final String CHANNEL_PREFIX = "mp.messaging.outgoing." + BalanceEventPublisher.CHANNEL + ".";

    private final Map<String, Object> kafkaConfig;
    private final String topic;
    private final String valueSerializer;

    @Inject
    EventLogReader(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, Config config) {
        // The channel's own settings (registry URL, security) win over the kafka.* defaults, as for the producer.
        Map<String, Object> merged = new HashMap<>(kafkaConfig);
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(CHANNEL_PREFIX)) {
                config.getOptionalValue(name, String.class)
                        .ifPresent(value -> merged.put(name.substring(CHANNEL_PREFIX.length()), value));
            }
        }
        this.kafkaConfig = merged;
        this.topic = config.getValue(CHANNEL_PREFIX + "topic", String.class);
        this.valueSerializer = (String) merged.get("value.serializer");
    }

    public String topic() {
        return topic;
    }

    /**
     * The state of the newest event per account, for the given accounts. Reads committed records only, so an
     * aborted or unfinished write never becomes a baseline.
     *
     * @throws org.apache.kafka.common.KafkaException when Kafka cannot be reached in time
     */
    public Map<String, PublishedState> lastPublishedStates(Set<String> accountIds, Duration timeout) {
        Map<String, PublishedState> states = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig(timeout));
                Deserializer<BalanceChanged> deserializer = EventFormat.deserializerFor(valueSerializer,
                        kafkaConfig)) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
            if (partitions == null || partitions.isEmpty()) {
                LOG.infof("Topic %s has no events yet: every account starts with a first observation", topic);
                return states;
            }
            List<TopicPartition> assigned = partitions.stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> endOffsets = consumer.endOffsets(assigned, timeout);
            long read = 0;
            while (!reachedEnd(consumer, endOffsets, timeout)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL_TIMEOUT)) {
                    read++;
                    if (record.key() == null || !accountIds.contains(record.key()) || record.value() == null) {
                        continue;
                    }
                    BalanceChanged event = deserializer.deserialize(topic, record.headers(), record.value());
                    PublishedState state = BalanceEventMapper.toPublishedState(event);
                    states.merge(record.key(), state,
                            (known, newer) -> newer.sequence() >= known.sequence() ? newer : known);
                }
            }
            LOG.infof("Recovered the last published state of %d account(s) from %d event(s) on %s", states.size(),
                    read, topic);
            return states;
        }
    }

    private static boolean reachedEnd(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> endOffsets,
            Duration timeout) {
        for (Map.Entry<TopicPartition, Long> end : endOffsets.entrySet()) {
            if (consumer.position(end.getKey(), timeout) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private Map<String, Object> consumerConfig(Duration timeout) {
        // Only what a consumer understands (bootstrap, security, timeouts) carries over from the producer side.
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.keySet().retainAll(ConsumerConfig.configNames());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "balance-stream-recovery");
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return config;
    }
}
