package io.balancestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.balancestream.events.BalanceChanged;
import io.balancestream.events.ChangeKind;
import io.balancestream.events.PollTrigger;
import io.balancestream.ownership.AccountPartitions;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Partner Center's signed invoice-ready callback, end to end: the packaged service polls every 10 minutes, registers
 * its callback URL with the simulator at startup (and verifies the test callback it asks for), and a signed callback
 * from the simulator (its certificate fetched over HTTPS and checked against the simulator's test CA) brings the new
 * balance to the topic within seconds, also when the load balancer hands it to an instance that does not poll the
 * account.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class WebhookIT {

    private static final Duration MIN_POLL_INTERVAL = Duration.ofSeconds(1);

    @Test
    void aSignedInvoiceReadyPollsAtOnceAndOnlyAGenuineCallbackDoesAnything() {
        String run = "webhook-" + UUID.randomUUID().toString().substring(0, 6);
        String topic = run + ".balance-changed";
        String tenant = "wh-" + run;
        String kafka = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        Map<String, String> settings = ServiceSettings.of(kafka, topic, run, List.of("acme"), account -> tenant);
        settings.put("balance-stream.poll-interval", "10m");
        ServiceSettings.takeWebhooks(settings, "acme", MIN_POLL_INTERVAL);
        settings.put("balance-stream.accounts.acme.webhook.public-url", ServiceSettings.callbackUrl(settings, "acme"));
        settings.put("balance-stream.accounts.acme.webhook.send-validation-event", "true");
        try (ServiceProcess service = new ServiceProcess(settings, Path.of("target", "webhook-it", run + ".log"))
                .start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> events(kafka, topic).size() == 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> service.log().contains("Webhook of account acme at "));
            assertThat(service.log()).contains("Webhook of account acme at http://localhost:"
                    + settings.get("quarkus.http.port") + "/partner-center/webhooks/acme: created");
            // The test callback Partner Center sends right after the registration finds the service listening.
            await().atMost(Duration.ofSeconds(30)).until(() -> service.log()
                    .contains("Partner Center's test-created callback for account acme arrived and verified"));

            // A balance change is seen at once when Partner Center says an invoice is ready, not 10 minutes later.
            List<Long> latencies = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                awaitRateWindow(kafka, topic);
                String balance = "1000." + String.format("%02d", i);
                Simulator.setBalance(tenant, balance);
                Simulator.Callbacks callback = Simulator.sendInvoiceReady(tenant, 1, false);
                assertThat(callback.statuses()).containsExactly(200);
                int expected = i + 1;
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                        .until(() -> events(kafka, topic).size() == expected);
                EventTopic.Event record = EventTopic.readAll(kafka, topic).get(expected - 1);
                long latency = record.timestamp() - callback.sentAt();
                assertThat(latency).as("callback %d sent to event published, ms", i).isLessThan(2000);
                latencies.add(latency);
                BalanceChanged event = record.value();
                assertThat(event.getTrigger()).isEqualTo(PollTrigger.WEBHOOK);
                assertThat(event.getChanges()).contains(ChangeKind.BALANCE);
                assertThat(event.getCurrent().getBalanceAmount()).isEqualByComparingTo(new BigDecimal(balance));
            }
            Collections.sort(latencies);
            System.out.printf("Callback sent to event record (its timestamp), 10 callbacks: median %d ms, max %d ms%n",
                    latencies.get(latencies.size() / 2), latencies.get(latencies.size() - 1));

            // A body changed after signing is refused and triggers nothing, however many times it comes.
            awaitRateWindow(kafka, topic);
            Simulator.setBalance(tenant, "2000.00");
            long before = Simulator.summaryRequests(tenant);
            assertThat(Simulator.invoiceReady(tenant, 3, true)).containsOnly(401);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> Simulator.summaryRequests(tenant) == before);
            assertThat(service.log()).contains("Callback for account acme rejected (bad_signature)");

            // A burst of 100 genuine callbacks is one poll, or two when the burst outlasts the rate window.
            assertThat(Simulator.invoiceReady(tenant, 100, false)).containsOnly(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> events(kafka, topic).size() == 12);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> Simulator.summaryRequests(tenant) - before <= 2);
            assertThat(events(kafka, topic)).hasSize(12);
            assertThat(events(kafka, topic).get(11).getCurrent().getBalanceAmount())
                    .isEqualByComparingTo(new BigDecimal("2000.00"));
        }
    }

    @Test
    void aCallbackThatReachesAnInstanceWhichDoesNotPollTheAccountIsForwardedToTheOneThatDoes() {
        String run = "webhook-fwd-" + UUID.randomUUID().toString().substring(0, 6);
        String topic = run + ".balance-changed";
        String tenant = "wh-" + run;
        String kafka = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        List<ServiceProcess> instances = new ArrayList<>();
        List<String> callbackUrls = new ArrayList<>();
        try {
            for (int n = 1; n <= 2; n++) {
                Map<String, String> settings = ServiceSettings.scenario(kafka, topic, run, List.of("acme"),
                        account -> tenant, "10m");
                ServiceSettings.takeWebhooks(settings, "acme", MIN_POLL_INTERVAL);
                instances.add(new ServiceProcess(settings, Path.of("target", "webhook-it", run + "-" + n + ".log"))
                        .start());
                callbackUrls.add(ServiceSettings.callbackUrl(settings, "acme"));
                // The first instance has published before the second joins: no transaction spans the rebalance.
                await().atMost(Duration.ofSeconds(60)).until(() -> events(kafka, topic).size() == 1);
            }
            await("the two instances share the partitions").atMost(Duration.ofSeconds(60)).until(() -> instances
                    .stream().mapToInt(instance -> InstanceHealth.ownedPartitions(instance).size()).sum() == 6
                    && instances.stream().noneMatch(instance -> InstanceHealth.ownedPartitions(instance).isEmpty()));
            String partition = Integer.toString(AccountPartitions.partitionOf("acme", 6));
            ServiceProcess owner = instances.stream()
                    .filter(instance -> InstanceHealth.ownedPartitions(instance).contains(partition)).findFirst()
                    .orElseThrow();
            int otherIndex = instances.get(0) == owner ? 1 : 0;
            ServiceProcess other = instances.get(otherIndex);

            Simulator.setBalance(tenant, "3000.33");
            Simulator.Callbacks callback = Simulator.sendInvoiceReady(tenant, 1, false,
                    callbackUrls.get(otherIndex));
            assertThat(callback.statuses()).as("answered once Kafka has it").containsExactly(200);
            await("the owner polls at once").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> events(kafka, topic).size() == 2);
            BalanceChanged event = events(kafka, topic).get(1);
            assertThat(event.getTrigger()).isEqualTo(PollTrigger.WEBHOOK);
            assertThat(event.getCurrent().getBalanceAmount()).isEqualByComparingTo(new BigDecimal("3000.33"));
            assertThat(other.log()).contains("forwarded to the one that does");
            assertThat(owner.log()).contains("invoice-ready for account acme", "forwarded by another instance");
        } finally {
            instances.forEach(ServiceProcess::close);
        }
    }

    /** The previous poll started at least the minimum interval ago, so the next callback is not held back. */
    private static void awaitRateWindow(String kafka, String topic) {
        List<BalanceChanged> events = events(kafka, topic);
        java.time.Instant last = events.get(events.size() - 1).getDetectedAt();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> java.time.Instant.now().isAfter(last.plus(MIN_POLL_INTERVAL)));
    }

    private static List<BalanceChanged> events(String kafka, String topic) {
        return EventTopic.readAll(kafka, topic).stream().map(EventTopic.Event::value).toList();
    }
}
