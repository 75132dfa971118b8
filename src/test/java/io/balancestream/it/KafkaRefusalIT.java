package io.balancestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;


import io.balancestream.events.BalanceChanged;
import io.balancestream.kafka.KafkaClients;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Kafka saying no for good (an event larger than the topic allows) is not "Kafka is away": the account reports the
 * cause, readiness names it, and it resumes by itself once the topic is fixed, with nothing lost.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class KafkaRefusalIT {

    @Test
    void anEventTheTopicRefusesIsReportedAndPublishedOnceTheTopicAllowsIt() throws Exception {
        String run = "refusal-" + UUID.randomUUID().toString().substring(0, 6);
        String topic = run + ".balance-changed";
        String kafka = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        String tenant = "kr-" + run;
        Simulator.addInvoiceTypes(tenant, 40);
        try (Admin admin = KafkaClients.forReading(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka))
                .admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "2000")))).all().get(30, TimeUnit.SECONDS);

            Map<String, String> settings = ServiceSettings.of(kafka, topic, run, List.of("large"), account -> tenant);
            settings.put("balance-stream.poll-interval", "300ms");
            settings.put("balance-stream.health.failure-grace-period", "2s");
            try (ServiceProcess service = new ServiceProcess(settings, Path.of("target", "kafka-refusal-it",
                    run + ".log")).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> service.log().contains("Kafka refused event(s) 1..1"));
                assertThat(service.log()).contains("RecordTooLargeException").contains("(publish_refused)");
                await().atMost(Duration.ofSeconds(30)).until(() -> InstanceHealth.body(service)
                        .contains("Kafka refused"));
                assertThat(EventTopic.readAll(kafka, topic)).isEmpty();

                admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic),
                        List.of(new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1048576"),
                                AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);

                await().atMost(Duration.ofSeconds(60)).until(() -> !EventTopic.readAll(kafka, topic).isEmpty());
                List<BalanceChanged> events = EventTopic.readAll(kafka, topic).stream().map(EventTopic.Event::value)
                        .toList();
                assertThat(events).hasSize(1);
                assertThat(events.get(0).getSequence()).isEqualTo(1);
                assertThat(events.get(0).getCurrent().getInvoiceTypes()).hasSize(42);
            }
        }
    }
}
