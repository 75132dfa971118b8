package io.balancestream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The startup checks of the topics against a real broker; the packaged service's refusal: StateTopicIT. */
class TopicSetupTest {

    @RegisterExtension
    static final TestKafka kafka = new TestKafka();

    /** Topics as the service creates them, then the state topic gone: events remain, their state does not. */
    private static KafkaClients eventsWithoutState(TestKafka.Settings settings, String account) throws Exception {
        KafkaClients clients = kafka.clients(settings);
        try (KafkaProducer<String, byte[]> producer = clients.producer("test")) {
            producer.send(new ProducerRecord<>(settings.topic(), account, new byte[] {1})).get(30, TimeUnit.SECONDS);
        }
        try (Admin admin = clients.admin()) {
            admin.deleteTopics(List.of(settings.stateTopicName())).all().get(30, TimeUnit.SECONDS);
            // Kafka deletes a topic in the background.
            await().atMost(Duration.ofSeconds(30)).until(() -> !topics(admin).contains(settings.stateTopicName()));
        }
        return clients;
    }

    @Test
    void eventsOfOurAccountsWithoutTheirStateAreRefusedNamingTheTopicsAndTheKey() throws Exception {
        TestKafka.Settings settings = TestKafka.Settings.unique(2);
        KafkaClients clients = eventsWithoutState(settings, "contoso");

        assertThatThrownBy(() -> new TopicSetup(clients).ensureTopics(false, Set.of("contoso", "fabrikam")))
                .isInstanceOf(TopicSetup.UnsafeTopicException.class)
                .hasMessageContaining(settings.topic()).hasMessageContaining(settings.stateTopicName())
                .hasMessageContaining("[contoso]").hasMessageContaining("balance-stream.kafka.state-topic");
    }

    @Test
    void anotherDeploymentsEventsAreNoReasonToRefuse() throws Exception {
        TestKafka.Settings settings = TestKafka.Settings.unique(2);
        KafkaClients clients = eventsWithoutState(settings, "someone-elses");

        assertThatNoException().isThrownBy(() -> new TopicSetup(clients).ensureTopics(false, Set.of("contoso")));
        try (Admin admin = clients.admin()) {
            assertThat(topics(admin)).as("the state topic is created again").contains(settings.stateTopicName());
        }
    }

    private static Set<String> topics(Admin admin) throws Exception {
        return admin.listTopics().names().get(30, TimeUnit.SECONDS);
    }
}
