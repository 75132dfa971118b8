package io.balancestream.kafka;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.clients.CommonClientConfigs;

import io.balancestream.config.BalanceStreamConfig;
import io.balancestream.simulator.LocalKafkaBroker;

/** A real broker and the service's Kafka clients pointed at it, for tests of the delivery core without Quarkus. */
public final class TestKafka implements AutoCloseable {

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

    private final LocalKafkaBroker broker;

    private TestKafka(LocalKafkaBroker broker) {
        this.broker = broker;
    }

    public static TestKafka start() {
        try {
            return new TestKafka(LocalKafkaBroker.start(Files.createTempDirectory("unit-kafka"), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** Clients for these settings, with topics created as the service creates them. */
    public KafkaClients clients(Settings settings) {
        KafkaClients clients = new KafkaClients(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(), "delivery.timeout.ms", 5000, "request.timeout.ms", 2000,
                "max.block.ms", 3000), settings);
        // The service retries this too: a topic just created may not be known to every broker yet.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            new TopicSetup(clients).ensureTopics();
            return true;
        });
        return clients;
    }

    @Override
    public void close() {
        broker.kill();
    }
}
