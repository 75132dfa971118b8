package io.balancestream.it;

import java.util.Map;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import io.balancestream.simulator.LocalKafkaBroker;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real Apache Kafka broker for the tests: Testcontainers' Kafka where a Docker engine runs, else the same
 * Kafka version started from its jars in a JVM of its own. Tests run either way; none is skipped.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    private static final String KAFKA_IMAGE = "apache/kafka:4.1.2";

    private KafkaContainer container;
    private LocalKafkaBroker localBroker;

    /** The broker the running test uses, so a test can stop and start it (Docker-free mode only). */
    static volatile LocalKafkaBroker current;

    @Override
    public Map<String, String> start() {
        String bootstrapServers;
        if (dockerAvailable()) {
            container = new KafkaContainer(KAFKA_IMAGE);
            container.start();
            bootstrapServers = container.getBootstrapServers();
        } else {
            localBroker = LocalKafkaBroker.startTemporary("balance-stream-kafka");
            current = localBroker;
            bootstrapServers = localBroker.bootstrapServers();
        }
        return Map.of("kafka.bootstrap.servers", bootstrapServers);
    }

    @Override
    public void stop() {
        if (container != null) {
            container.stop();
        }
        if (localBroker != null) {
            localBroker.close();
            current = null;
        }
    }

    private static boolean dockerAvailable() {
        if ("local".equals(System.getProperty("balance-stream.test.kafka"))) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

}
