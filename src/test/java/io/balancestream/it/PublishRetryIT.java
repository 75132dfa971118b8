package io.balancestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.balancestream.events.BalanceChanged;
import io.balancestream.simulator.LocalKafkaBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A change that could not be published waits for Kafka and goes out within seconds of Kafka's return, not a poll
 * interval later: the packaged service polls every 10 minutes, a pushed poll sees a change while Kafka is stopped.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class PublishRetryIT {

    @Test
    void aChangeThatMetAnOutageIsPublishedSoonAfterKafkaIsBackNotAtTheNextPoll() {
        String tenant = "pr-retry";
        try (LocalKafkaBroker broker = LocalKafkaBroker.startTemporary("retry-kafka")) {
            Map<String, String> settings = ServiceSettings.of(broker.bootstrapServers(), "retry.balance-changed",
                    "retry", List.of("acme"), account -> tenant);
            settings.put("balance-stream.poll-interval", "10m");
            ServiceSettings.takeWebhooks(settings, "acme", Duration.ofSeconds(1));
            settings.put("kafka.delivery.timeout.ms", "5000");
            settings.put("kafka.request.timeout.ms", "3000");
            settings.put("kafka.max.block.ms", "3000");
            String callbackUrl = ServiceSettings.callbackUrl(settings, "acme");
            try (ServiceProcess service = new ServiceProcess(settings, Path.of("target", "publish-retry-it",
                    "service.log")).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> events(broker).size() == 1);

                broker.stop();
                Simulator.setBalance(tenant, "4100.41");
                // The pushed poll sees the change and cannot publish it.
                assertThat(Simulator.sendInvoiceReady(tenant, 1, false, callbackUrl).statuses()).containsExactly(200);
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> service.log().contains("Poll of account acme failed (publish"));
                broker.start();

                await("published within seconds of Kafka's return, 10 minutes before the next poll")
                        .atMost(Duration.ofSeconds(60)).until(() -> events(broker).size() == 2);
                BalanceChanged event = events(broker).get(1);
                assertThat(event.getSequence()).isEqualTo(2);
                assertThat(event.getCurrent().getBalanceAmount()).isEqualByComparingTo(new BigDecimal("4100.41"));
            }
        }
    }

    private static List<BalanceChanged> events(LocalKafkaBroker broker) {
        return EventTopic.readAll(broker.bootstrapServers(), "retry.balance-changed").stream()
                .map(EventTopic.Event::value).toList();
    }
}
