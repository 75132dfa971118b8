package io.balancestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.balancestream.event.EventFormat;
import io.balancestream.events.BalanceChanged;
import io.balancestream.events.ChangeKind;
import io.balancestream.simulator.LocalKafkaBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Registry mode against a real Apicurio Registry: the packaged service, switched by configuration alone to
 * Apicurio's Avro serde, registers the schema, publishes events a registry-aware consumer decodes exactly, and
 * recovers its baselines from those events after a restart.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class SchemaRegistryIT {

    private static final String TOPIC = "registry-test.balance-changed";
    private static final String TENANT = "registry-tenant";

    @Test
    void eventsGoThroughTheRegistryAndSurviveARestart() throws Exception {
        try (ApicurioRegistryProcess registry = ApicurioRegistryProcess.start(Path.of("target", "registry-it",
                "apicurio.log"));
                ServiceProcess service = new ServiceProcess(settings(registry), Path.of("target", "registry-it",
                        "service.log")).start()) {
            List<BalanceChanged> first = await().atMost(Duration.ofSeconds(90))
                    .until(() -> events(registry), events -> !events.isEmpty());
            assertThat(first.get(0).getChanges()).containsExactly(ChangeKind.FIRST_OBSERVATION);
            assertThat(first.get(0).getCurrent().getBalanceAmount()).isEqualTo(new BigDecimal("751094.390000000"));

            HttpResponse<String> artifact = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    registry.apiUrl() + "/groups/default/artifacts/" + TOPIC + "-value")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(artifact.statusCode()).as("schema registered under TopicIdStrategy").isEqualTo(200);

            Simulator.setBalance(TENANT, "2718.28");
            List<BalanceChanged> two = await().atMost(Duration.ofSeconds(60))
                    .until(() -> events(registry), events -> events.size() >= 2);
            assertThat(two.get(1).getPrevious().getBalanceAmount()).isEqualByComparingTo("751094.39");
            assertThat(two.get(1).getCurrent().getBalanceAmount()).isEqualTo(new BigDecimal("2718.280000000"));

            service.stop();
            service.start();
            long polls = Simulator.summaryRequests(TENANT);
            await().atMost(Duration.ofSeconds(60)).until(() -> Simulator.summaryRequests(TENANT) >= polls + 3);
            assertThat(events(registry)).as("baselines recovered from registry-encoded events").hasSize(2);
            assertThat(service.log()).contains("Recovered 1 account state(s)");
        }
    }

    private static List<BalanceChanged> events(ApicurioRegistryProcess registry) {
        return EventTopic.readAll(kafka(), TOPIC, EventFormat.deserializerFor(AvroKafkaSerializer.class.getName(),
                Map.of("apicurio.registry.url", registry.apiUrl()))).stream().map(EventTopic.Event::value).toList();
    }

    private static Map<String, String> settings(ApicurioRegistryProcess registry) {
        int simulatorPort = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        String base = "http://localhost:" + simulatorPort + "/simulator/" + TENANT;
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("quarkus.http.port", Integer.toString(LocalKafkaBroker.freePort()));
        settings.put("kafka.bootstrap.servers", kafka());
        settings.put("balance-stream.kafka.topic", TOPIC);
        settings.put("balance-stream.kafka.group-id", "registry-test");
        settings.put("balance-stream.kafka.value-serializer", AvroKafkaSerializer.class.getName());
        settings.put("kafka.apicurio.registry.url", registry.apiUrl());
        settings.put("kafka.apicurio.registry.auto-register", "true");
        settings.put("balance-stream.poll-interval", "300ms");
        settings.put("balance-stream.accounts.registry.tenant-id", TENANT);
        settings.put("balance-stream.accounts.registry.client-id", "registry-client");
        settings.put("balance-stream.accounts.registry.client-secret", "registry-test-secret");
        settings.put("balance-stream.accounts.registry.api-url", base);
        settings.put("balance-stream.accounts.registry.token-url", base + "/oauth2/v2.0/token");
        return settings;
    }

    private static String kafka() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

}
