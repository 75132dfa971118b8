package io.balancestream.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.balancestream.config.BalanceStreamConfig;
import io.balancestream.event.EventFormat;
import io.balancestream.events.BalanceChanged;
import io.smallrye.common.annotation.Identifier;

/**
 * The one source of Kafka client settings: every client the service opens (the transactional producer, the group
 * member, the readers, the admin client) starts from the same {@code kafka.*} settings (properties, system
 * properties or {@code KAFKA_*} environment variables, as Quarkus collects them), so security, bootstrap servers
 * and registry settings can never differ between writing and reading.
 */
@ApplicationScoped
public class KafkaClients {

    private final Map<String, Object> settings;
    private final BalanceStreamConfig.Kafka config;

    @Inject
    KafkaClients(@Identifier("default-kafka-broker") Map<String, Object> kafkaSettings, BalanceStreamConfig config) {
        this(kafkaSettings, config.kafka());
    }

    public KafkaClients(Map<String, Object> kafkaSettings, BalanceStreamConfig.Kafka config) {
        this.settings = Map.copyOf(kafkaSettings);
        this.config = config;
    }

    /** Clients that only read (and list offsets), for tools and tests outside the service. */
    public static KafkaClients forReading(Map<String, Object> kafkaSettings) {
        return new KafkaClients(kafkaSettings, (BalanceStreamConfig.Kafka) null);
    }

    /** Fails with the key to set when no broker is configured (outside dev and test nothing else can find one). */
    public void requireBootstrapServers() {
        Object servers = settings.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        if (servers == null || servers.toString().isBlank()) {
            throw new IllegalStateException("kafka.bootstrap.servers is not set (environment variable "
                    + "KAFKA_BOOTSTRAP_SERVERS): the service needs a Kafka cluster");
        }
    }

    public BalanceStreamConfig.Kafka config() {
        return config;
    }

    public Admin admin() {
        return Admin.create(only(AdminClientConfig.configNames(), Map.of(AdminClientConfig.CLIENT_ID_CONFIG,
                "balance-stream-admin")));
    }

    /**
     * A consumer without a group for the partitions it is given: {@code committed} reads only committed records,
     * otherwise it sees the high watermark (what {@link TopicReader} reads up to).
     */
    public KafkaConsumer<String, byte[]> reader(String clientId, boolean committed) {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        overrides.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committed ? "read_committed" : "read_uncommitted");
        overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        overrides.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        overrides.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        Map<String, Object> consumer = only(ConsumerConfig.configNames(), overrides);
        consumer.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new KafkaConsumer<>(consumer, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * The group member that decides ownership: it subscribes to the state topic in the configured group. It never
     * commits offsets itself; the transactional producer commits them inside each transaction, with this member's
     * group metadata, which is what fences an instance that lost its partitions.
     */
    public KafkaConsumer<String, byte[]> groupMember(String clientId) {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        overrides.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        overrides.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        overrides.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        overrides.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // Only moved partitions stop and start on a rebalance; the others keep polling.
        overrides.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        int sessionTimeout = (int) config.sessionTimeout().toMillis();
        overrides.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, sessionTimeout);
        overrides.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(500, sessionTimeout / 4));
        // Ownership must not move while an instance still recovers a large partition.
        overrides.putIfAbsent(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 300_000);
        return new KafkaConsumer<>(only(ConsumerConfig.configNames(), overrides), new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    public KafkaProducer<String, byte[]> transactionalProducer(String transactionalId) {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        overrides.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        overrides.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) config.transactionTimeout().toMillis());
        return new KafkaProducer<>(producerSettings(overrides), new StringSerializer(), new ByteArraySerializer());
    }

    /** A producer outside transactions, for records that are only a hint (a transactional.id in kafka.* is ignored). */
    public KafkaProducer<String, byte[]> producer(String clientId) {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        Map<String, Object> producer = producerSettings(overrides);
        producer.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return new KafkaProducer<>(producer, new StringSerializer(), new ByteArraySerializer());
    }

    /** Every producer: acknowledged by all in-sync replicas, idempotent, bounded waits unless kafka.* says otherwise. */
    private Map<String, Object> producerSettings(Map<String, Object> overrides) {
        overrides.put(ProducerConfig.ACKS_CONFIG, "all");
        overrides.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        Map<String, Object> producer = only(ProducerConfig.configNames(), overrides);
        producer.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        producer.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        producer.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return producer;
    }

    /** The configured event serializer, configured with the same settings (registry URL and the like). */
    public Serializer<BalanceChanged> eventSerializer() {
        return EventFormat.serializerFor(config.valueSerializer(), settings);
    }

    /** The common settings a client understands, with the service's own on top. */
    private Map<String, Object> only(Set<String> known, Map<String, Object> overrides) {
        Map<String, Object> result = new HashMap<>();
        settings.forEach((key, value) -> {
            if (known.contains(key)) {
                result.put(key, value);
            }
        });
        result.putAll(overrides);
        return result;
    }
}
