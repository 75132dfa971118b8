package io.balancestream.simulator;

import java.nio.file.Path;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.balancestream.config.BalanceStreamConfig;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;

/**
 * Dev mode's Kafka: a real KRaft broker in its own JVM, data under {@code target/kafka-dev} so that restarts keep
 * the event history. Live reloads find it running and reuse it; it stops when the dev-mode JVM exits (Ctrl-C).
 * A Kafka already listening on the port (your own) is used as is.
 */
@ApplicationScoped
@IfBuildProfile("dev")
public class DevKafkaBroker {

    private static final Logger LOG = Logger.getLogger(DevKafkaBroker.class);

    private final int port;

    DevKafkaBroker(BalanceStreamConfig config) {
        this.port = config.dev().kafkaPort();
    }

    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent startup) {
        if (LocalKafkaBroker.portOpen(port)) {
            LOG.infof("Kafka is already listening on localhost:%d: using it", port);
            return;
        }
        LOG.infof("Starting a local Apache Kafka broker (KRaft) on localhost:%d ...", port);
        LocalKafkaBroker broker = LocalKafkaBroker.start(Path.of("target", "kafka-dev"), port);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::stop, "stop-dev-kafka"));
        LOG.infof("Kafka is up on %s", broker.bootstrapServers());
    }
}
