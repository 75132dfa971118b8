package io.balancestream.simulator;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;

/**
 * Dev mode's Kafka: a real KRaft broker in its own JVM, data under {@code target/kafka-dev} so that restarts keep
 * the event history. Live reloads find it running and reuse it; it stops when the dev-mode JVM exits (Ctrl-C), after
 * the application's Kafka clients left their groups: a broker that went first made the group member log an ERROR.
 * A Kafka already listening on the port (your own) is used as is.
 */
@ApplicationScoped
@IfBuildProfile("dev")
public class DevKafkaBroker {

    private static final Logger LOG = Logger.getLogger(DevKafkaBroker.class);
    /** How long the JVM's exit waits for the application to stop before it stops the broker anyway. */
    private static final Duration APPLICATION_STOP = Duration.ofSeconds(20);
    /**
     * "true" while an application runs. A system property, not a field: a live reload loads this class anew, and the
     * exit hook registered by the first application must see whether the current one has stopped.
     */
    private static final String APPLICATION_RUNNING = "balance-stream-dev.application-running";

    private final int port;

    /** @param port {@code balance-stream.dev.kafka-port}: where the local broker listens (or yours already does) */
    DevKafkaBroker(@ConfigProperty(name = "balance-stream.dev.kafka-port", defaultValue = "9092") int port) {
        this.port = port;
    }

    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent startup) {
        System.setProperty(APPLICATION_RUNNING, "true");
        if (LocalKafkaBroker.portOpen(port)) {
            LOG.infof("Kafka is already listening on localhost:%d: using it", port);
            return;
        }
        LOG.infof("Starting a local Apache Kafka broker (KRaft) on localhost:%d ...", port);
        LocalKafkaBroker broker = LocalKafkaBroker.startDetached(Path.of("target", "kafka-dev"), port);
        // Quarkus stops the application in a shutdown hook of its own, at the same time as this one.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            awaitApplicationStop();
            broker.stop();
        }, "stop-dev-kafka"));
        LOG.infof("Kafka is up on %s", broker.bootstrapServers());
    }

    /**
     * Destroyed with the application's beans: the pollers and the publisher closed their Kafka clients at the
     * shutdown event before, the dev tail's consumer before the beans are destroyed.
     */
    @PreDestroy
    void applicationStopped() {
        System.setProperty(APPLICATION_RUNNING, "false");
    }

    /** Polls, since nothing shared across reloads can be awaited; at most {@link #APPLICATION_STOP}. */
    private static void awaitApplicationStop() {
        long deadline = System.nanoTime() + APPLICATION_STOP.toNanos();
        try {
            while (Boolean.parseBoolean(System.getProperty(APPLICATION_RUNNING)) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
