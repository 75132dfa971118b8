package io.balancestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.balancestream.kafka.KafkaClients;
import io.balancestream.simulator.LocalKafkaBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A replicated cluster under fire: three KRaft brokers (replication factor 3, min.insync.replicas 2), two service
 * instances, twenty accounts changing all the time. The broker leading most event partitions is killed (SIGKILL)
 * under load, and an instance is killed right after it published. Nothing may be lost and nothing published twice.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class ReplicatedClusterScenarioIT {

    private static final String TOPIC = "replicated-test.balance-changed";
    private static final Duration STEP = Duration.ofSeconds(120);
    private static final Path WORK = Path.of("target", "replicated-test");

    private final List<String> accounts = IntStream.range(0, 20).mapToObj(i -> "rep-" + i).toList();
    private final List<ServiceProcess> services = new ArrayList<>();
    private List<LocalKafkaBroker> cluster = List.of();

    @AfterEach
    void tearDown() {
        services.forEach(ServiceProcess::close);
        cluster.forEach(LocalKafkaBroker::close);
    }

    private String bootstrap() {
        return cluster.stream().map(LocalKafkaBroker::bootstrapServers).collect(Collectors.joining(","));
    }

    private ServiceProcess startInstance(int n) {
        Map<String, String> settings = ServiceSettings.scenario(bootstrap(), TOPIC, "replicated-test", accounts,
                Function.identity(), "500ms");
        settings.put("balance-stream.kafka.replication-factor", "3");
        settings.put("balance-stream.kafka.min-insync-replicas", "2");
        ServiceProcess service = new ServiceProcess(settings, WORK.resolve("instance-" + n + ".log")).start();
        services.add(service);
        return service;
    }

    @Test
    void nothingLostNothingTwiceWhenALeaderAndAnInstanceDie() throws Exception {
        cluster = LocalKafkaBroker.startTemporaryCluster("replicated-kafka", 3);
        ServiceProcess first = startInstance(1);
        startInstance(2);
        await("first observations").atMost(STEP).pollInterval(Duration.ofSeconds(1))
                .until(() -> events().stream().map(EventTopic.Event::key).distinct().count() == accounts.size());

        try (BalanceChanger changer = new BalanceChanger(accounts, Function.identity(), new BigDecimal("751094.39"))
                .start(100)) {
            awaitMoreEvents(30);
            LocalKafkaBroker leader = busiestLeader();
            step("killing broker " + leader.nodeId() + ", the leader of most event partitions");
            leader.kill();
            awaitMoreEvents(30);
            step("restarting broker " + leader.nodeId());
            leader.start();

            // Killed right after a publish: the restarted instance neither repeats nor skips a sequence.
            awaitMoreEvents(1);
            step("killing instance 1 right after a publish");
            first.kill();
            awaitMoreEvents(20);
            step("restarting instance 1");
            first.start();
            awaitMoreEvents(30);
            changer.close();
            step("changes stopped after " + changer.changes() + " balance changes");

            Map<String, BigDecimal> last = changer.lastBalances();
            await("caught up").atMost(STEP).pollInterval(Duration.ofSeconds(1))
                    .until(() -> EventHistory.caughtUp(events(), last));
            EventHistory.assertExactlyOnceAndInOrder(events(), last);
        }
    }

    private static void step(String step) {
        System.out.println("[replicated-cluster] " + java.time.Instant.now() + " " + step);
    }

    private List<EventTopic.Event> events() {
        return EventTopic.readAll(bootstrap(), TOPIC);
    }

    private void awaitMoreEvents(int more) {
        int before = events().size();
        await().atMost(STEP).pollInterval(Duration.ofMillis(200)).until(() -> events().size() >= before + more);
    }

    /** The broker that leads most partitions of the event topic. */
    private LocalKafkaBroker busiestLeader() throws Exception {
        try (Admin admin = KafkaClients.forReading(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))
                .admin()) {
            TopicDescription topic = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(TOPIC);
            assertThat(topic.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
            int leader = topic.partitions().stream().collect(Collectors.groupingBy(p -> p.leader().id(),
                    Collectors.counting())).entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow()
                    .getKey();
            return cluster.stream().filter(node -> node.nodeId() == leader).findFirst().orElseThrow();
        }
    }
}
