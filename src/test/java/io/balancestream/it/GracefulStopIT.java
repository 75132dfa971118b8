package io.balancestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.balancestream.simulator.LocalKafkaBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A stop (SIGTERM) ends within Kubernetes' grace period whatever Kafka does: never reached, or gone while the
 * service was publishing. Quarkus logs "stopped in" once its shutdown completed.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class GracefulStopIT {

    private static final Duration GRACE = Duration.ofSeconds(15);
    private static final Path WORK = Path.of("target", "graceful-stop-it");

    @Test
    void stopsInTimeWhenKafkaWasNeverReachable() {
        Map<String, String> settings = ServiceSettings.of("localhost:1", "stop-never.balance-changed", "stop-never",
                List.of("solo"), account -> "gs-never");
        try (ServiceProcess service = new ServiceProcess(settings, WORK.resolve("never.log")).start()) {
            // The topic check is trying to reach Kafka (and will go on trying) when the stop comes.
            await().atMost(Duration.ofSeconds(60)).until(() -> service.log().contains(
                    "clientId=balance-stream-admin] Connection to node -1 (localhost/127.0.0.1:1) could not be"));
            assertStopsInTime(service);
        }
    }

    @Test
    void stopsInTimeWhenKafkaWentAwayWhilePublishing() {
        try (LocalKafkaBroker broker = LocalKafkaBroker.startTemporary("stop-kafka")) {
            Map<String, String> settings = ServiceSettings.of(broker.bootstrapServers(), "stop-gone.balance-changed",
                    "stop-gone", List.of("solo"), account -> "gs-gone");
            settings.put("balance-stream.poll-interval", "300ms");
            try (ServiceProcess service = new ServiceProcess(settings, WORK.resolve("gone.log")).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> service.log().contains("Published event 1"));
                broker.kill();
                Simulator.setBalance("gs-gone", "77.70");
                // Seen after the change: the publisher now waits on a Kafka that is gone, mid-transaction.
                long seen = Simulator.summaryRequests("gs-gone");
                await().atMost(Duration.ofSeconds(30)).until(() -> Simulator.summaryRequests("gs-gone") >= seen + 1);
                assertStopsInTime(service);
            }
        }
    }

    @Test
    void aStopWithKafkaUpClosesTheProducerWithoutAnError() {
        try (LocalKafkaBroker broker = LocalKafkaBroker.startTemporary("stop-kafka")) {
            Map<String, String> settings = ServiceSettings.of(broker.bootstrapServers(), "stop-clean.balance-changed",
                    "stop-clean", List.of("solo"), account -> "gs-clean");
            try (ServiceProcess service = new ServiceProcess(settings, WORK.resolve("clean.log")).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> service.log().contains("Published event 1"));
                assertStopsInTime(service);
                // The stop interrupts the publisher's wait for work, not the close of its producer.
                assertThat(service.log()).doesNotContain("Interrupted while joining").doesNotContain("\"ERROR\"");
            }
        }
    }

    private static void assertStopsInTime(ServiceProcess service) {
        Instant stopping = Instant.now();
        service.stop();
        Duration took = Duration.between(stopping, Instant.now());
        assertThat(took).as("SIGTERM to exit").isLessThan(GRACE);
        assertThat(service.log()).contains("stopped in");
    }
}
