package io.balancestream.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.balancestream.config.BalanceStreamConfig;
import io.balancestream.simulator.LocalKafkaBroker;

/**
 * A real broker and the service's Kafka clients pointed at it, for tests of the delivery core without Quarkus.
 * As a JUnit extension ({@code @RegisterExtension static final TestKafka KAFKA = new TestKafka()}) one broker
 * serves a test class; the group members a test starts are stopped after it.
 */
public final class TestKafka implements AutoCloseable, BeforeAllCallback, AfterAllCallback, AfterEachCallback {

    /** balance-stream.kafka.* as a test chooses them. */
    public record Settings(String topic, String groupId, int partitions, Duration transactionTimeout,
            Duration sessionTimeout) implements BalanceStreamConfig.Kafka {

        public static Settings unique(int partitions) {
            String id = UUID.randomUUID().toString().substring(0, 8);
            return new Settings("unit-" + id + ".balance-changed", "unit-" + id, partitions, Duration.ofSeconds(10),
                    Duration.ofSeconds(6));
        }

        @Override
        public Optional<String> stateTopic() {
            return Optional.empty();
        }

        @Override
        public Optional<String> webhookTopic() {
            return Optional.empty();
        }

        @Override
        public Optional<Short> replicationFactor() {
            return Optional.empty();
        }

        @Override
        public Optional<Integer> minInsyncReplicas() {
            return Optional.empty();
        }

        @Override
        public String valueSerializer() {
            return "io.balancestream.event.BalanceChangedSerializer";
        }
    }

    private LocalKafkaBroker broker;
    private final List<AutoCloseable> started = new ArrayList<>();

    public TestKafka() {
    }

    private TestKafka(LocalKafkaBroker broker) {
        this.broker = broker;
    }

    /** A broker of its own, outside JUnit's lifecycle (benchmarks). */
    public static TestKafka start() {
        return new TestKafka(startBroker());
    }

    private static LocalKafkaBroker startBroker() {
        return LocalKafkaBroker.startTemporary("unit-kafka");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = startBroker();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (AutoCloseable closeable : started) {
            closeable.close();
        }
        started.clear();
    }

    /** Stopped after the test that called this (group members leave, publishers end). */
    public <T> T stopAfterTest(T started, AutoCloseable stop) {
        this.started.add(stop);
        return started;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** Clients for these settings, with topics created as the service creates them (the webhook topic included). */
    public KafkaClients clients(Settings settings) {
        KafkaClients clients = new KafkaClients(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(), "delivery.timeout.ms", 5000, "request.timeout.ms", 2000,
                "max.block.ms", 3000), settings);
        new TopicSetup(clients).ensureTopics(true, java.util.Set.of());
        return clients;
    }

    @Override
    public void close() {
        broker.close();
    }
}
