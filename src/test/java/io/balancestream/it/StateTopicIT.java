package io.balancestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.balancestream.event.BalanceEventMapper;
import io.balancestream.events.BalanceChanged;
import io.balancestream.kafka.KafkaClients;
import io.balancestream.kafka.TopicReader;
import io.balancestream.ownership.AccountPartitions;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The state topic outlives the event topic: events deleted by retention (or a recreated topic) never make an
 * account start its sequence again, nor do partitions added to the topics, and a state topic that would delete state
 * is refused at startup. Runs the
 * packaged service against the simulator of the test application and a real broker.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class StateTopicIT {

    private static final Path WORK = Path.of("target", "state-topic-it");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private ServiceProcess service;

    @AfterEach
    void tearDown() {
        if (service != null) {
            service.close();
        }
    }

    private static String kafka() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    private static Admin admin() {
        return KafkaClients.forReading(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka())).admin();
    }

    private static String tenant(String account) {
        return "st-" + account;
    }

    private static Map<String, String> settings(String run, List<String> accounts) {
        Map<String, String> settings = ServiceSettings.of(kafka(), run + ".balance-changed", run, accounts,
                account -> tenant(run + "-" + account));
        settings.put("balance-stream.poll-interval", "300ms");
        return settings;
    }

    private static List<BalanceChanged> events(String run, String account) {
        return records(run, account).stream().map(EventTopic.Event::value).toList();
    }

    private static List<EventTopic.Event> records(String run, String account) {
        return EventTopic.readAll(kafka(), run + ".balance-changed").stream().filter(e -> account.equals(e.key()))
                .toList();
    }

    /** One account's service publishes its first event and stops: the history a test then damages. */
    private void firstEventThenStop(String run, String account) {
        service = new ServiceProcess(settings(run, List.of(account)), WORK.resolve(run + ".log")).start();
        await().atMost(TIMEOUT).until(() -> events(run, account).size() == 1);
        service.stop();
    }

    private static void awaitPolls(String run, String account, int polls) {
        long before = Simulator.summaryRequests(tenant(run + "-" + account));
        await().atMost(TIMEOUT).until(() -> Simulator.summaryRequests(tenant(run + "-" + account)) >= before + polls);
    }

    @Test
    void eventsDeletedByRetentionNeverRestartTheSequence() throws Exception {
        String run = "retention-" + UUID.randomUUID().toString().substring(0, 6);
        service = new ServiceProcess(settings(run, List.of("quiet", "busy")), WORK.resolve(run + ".log")).start();
        await().atMost(TIMEOUT).until(() -> events(run, "quiet").size() == 1 && events(run, "busy").size() == 1);
        Simulator.setBalance(tenant(run + "-busy"), "100.25");
        await().atMost(TIMEOUT).until(() -> events(run, "busy").size() == 2);
        service.stop();

        // Retention (or an operator) deletes every event; only the compacted state topic remembers.
        try (Admin admin = admin(); TopicReader reader = new TopicReader(KafkaClients.forReading(Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka())), "test")) {
            List<TopicPartition> partitions = reader.partitionsOf(run + ".balance-changed", TIMEOUT);
            Map<TopicPartition, RecordsToDelete> all = new HashMap<>();
            reader.endOffsets(partitions, TIMEOUT).forEach((partition, end) -> all.put(partition,
                    RecordsToDelete.beforeOffset(end)));
            admin.deleteRecords(all).all().get(30, TimeUnit.SECONDS);
        }
        assertThat(EventTopic.readAll(kafka(), run + ".balance-changed")).isEmpty();

        service.start();
        awaitPolls(run, "quiet", 5);
        awaitPolls(run, "busy", 5);
        assertThat(EventTopic.readAll(kafka(), run + ".balance-changed"))
                .as("unchanged accounts publish nothing after the restart").isEmpty();

        Simulator.setBalance(tenant(run + "-busy"), "99.75");
        await().atMost(TIMEOUT).until(() -> events(run, "busy").size() == 1);
        BalanceChanged next = events(run, "busy").get(0);
        assertThat(next.getSequence()).as("the sequence continues").isEqualTo(3);
        assertThat(next.getEventId()).isEqualTo(BalanceEventMapper.eventId("busy", 3));
        assertThat(next.getPrevious().getBalanceAmount()).isEqualByComparingTo(new BigDecimal("100.25"));
        assertThat(next.getCurrent().getBalanceAmount()).isEqualByComparingTo(new BigDecimal("99.75"));
        assertThat(events(run, "quiet")).isEmpty();
    }

    @Test
    void aRecreatedEventTopicIsReportedAndTheSequenceGoesOn() throws Exception {
        String run = "recreated-" + UUID.randomUUID().toString().substring(0, 6);
        firstEventThenStop(run, "solo");
        try (Admin admin = admin()) {
            admin.deleteTopics(List.of(run + ".balance-changed")).all().get(30, TimeUnit.SECONDS);
            await().atMost(TIMEOUT).ignoreExceptions().until(() -> {
                admin.createTopics(List.of(new NewTopic(run + ".balance-changed", 1, (short) 1))).all()
                        .get(10, TimeUnit.SECONDS);
                return true;
            });
        }

        service.start();
        await().atMost(TIMEOUT).until(() -> service.log().contains("is missing events the state says were published"));
        Simulator.setBalance(tenant(run + "-solo"), "42.00");
        await().atMost(TIMEOUT).until(() -> events(run, "solo").size() == 1);
        assertThat(events(run, "solo").get(0).getSequence()).as("never sequence 1 again").isEqualTo(2);
    }

    @Test
    void partitionsAddedToBothTopicsNeverRestartASequenceNorMoveAnAccountsEvents() throws Exception {
        String run = "grown-" + UUID.randomUUID().toString().substring(0, 6);
        List<String> accounts = List.of("north", "south", "east", "west");
        String moved = accounts.stream().filter(account -> AccountPartitions.partitionOf(account, 2)
                != AccountPartitions.partitionOf(account, 6)).findFirst().orElseThrow();
        Map<String, String> settings = settings(run, accounts);
        settings.put("balance-stream.kafka.partitions", "2");
        service = new ServiceProcess(settings, WORK.resolve(run + ".log")).start();
        await().atMost(TIMEOUT).until(() -> accounts.stream().allMatch(account -> events(run, account).size() == 1));
        service.stop();
        try (Admin admin = admin()) {
            admin.createPartitions(Map.of(run + ".balance-changed.state", NewPartitions.increaseTo(6),
                    run + ".balance-changed", NewPartitions.increaseTo(6))).all().get(30, TimeUnit.SECONDS);
        }

        service.start();
        accounts.forEach(account -> awaitPolls(run, account, 5));
        assertThat(accounts).as("no account published its first observation again")
                .allSatisfy(account -> assertThat(events(run, account)).hasSize(1));
        assertThat(service.log()).contains("has 6 partitions, but its accounts' states were written over 2",
                "has 6 partitions, but events were written over 2");

        Simulator.setBalance(tenant(run + "-" + moved), "77.70");
        await().atMost(TIMEOUT).until(() -> events(run, moved).size() == 2);
        BalanceChanged next = events(run, moved).get(1);
        assertThat(next.getSequence()).as("the sequence continues").isEqualTo(2);
        assertThat(next.getPrevious().getBalanceAmount())
                .isEqualByComparingTo(events(run, moved).get(0).getCurrent().getBalanceAmount());
        assertThat(next.getCurrent().getBalanceAmount()).isEqualByComparingTo(new BigDecimal("77.70"));
        assertThat(records(run, moved)).as("its events stay in one partition, so consumers read them in order")
                .extracting(EventTopic.Event::partition).containsOnly(AccountPartitions.partitionOf(moved, 2));
    }

    @Test
    void aLostStateTopicStopsStartupInsteadOfStartingEverySequenceAgain() throws Exception {
        String run = "lost-" + UUID.randomUUID().toString().substring(0, 6);
        firstEventThenStop(run, "solo");
        try (Admin admin = admin()) {
            admin.deleteTopics(List.of(run + ".balance-changed.state")).all().get(30, TimeUnit.SECONDS);
            await().atMost(TIMEOUT).until(() -> !admin.listTopics().names().get(10, TimeUnit.SECONDS)
                    .contains(run + ".balance-changed.state"));
        }

        service.start();
        assertThat(service.waitForExit(60)).as("without its state the service would publish sequence 1 again")
                .isTrue();
        assertThat(service.exitValue()).isNotZero();
        assertThat(service.log()).contains("accounts [solo], but state topic " + run + ".balance-changed.state",
                "balance-stream.kafka.state-topic");
        assertThat(events(run, "solo")).extracting(BalanceChanged::getSequence).containsExactly(1L);
    }

    @Test
    void anotherDeploymentWithItsOwnStateMayShareTheEventTopic() throws Exception {
        String run = "shared-" + UUID.randomUUID().toString().substring(0, 6);
        firstEventThenStop(run, "first");

        Map<String, String> second = settings(run, List.of("second"));
        second.put("balance-stream.kafka.group-id", run + "-second");
        second.put("balance-stream.kafka.state-topic", run + ".second.state");
        service = new ServiceProcess(second, WORK.resolve(run + "-second.log")).start();
        await().atMost(TIMEOUT).until(() -> !service.isAlive() || events(run, "second").size() == 1);
        assertThat(service.isAlive()).as("another deployment's events are no reason to refuse").isTrue();
        assertThat(events(run, "second").get(0).getSequence()).isEqualTo(1);
        assertThat(events(run, "first")).hasSize(1);
    }

    @Test
    void aStateTopicThatIsNotCompactedStopsStartupNamingIt() throws Exception {
        String run = "uncompacted-" + UUID.randomUUID().toString().substring(0, 6);
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(run + ".state", 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "delete")))).all().get(30, TimeUnit.SECONDS);
        }
        Map<String, String> settings = settings(run, List.of("solo"));
        settings.put("balance-stream.kafka.state-topic", run + ".state");
        service = new ServiceProcess(settings, WORK.resolve(run + ".log")).start();

        assertThat(service.waitForExit(60)).as("the service must not run on a state topic that deletes state")
                .isTrue();
        assertThat(service.exitValue()).isNotZero();
        assertThat(service.log()).contains(run + ".state", "cleanup.policy=delete");
        assertThat(events(run, "solo")).isEmpty();
    }
}
