package io.balancestream.it;

import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.balancestream.kafka.KafkaClients;
import io.balancestream.simulator.LocalKafkaBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The hand-off under a backlog. Hundreds of accounts change at once while the event topic refuses one account's
 * event as too large, so every batch that holds it is aborted and published again account by account: a split that
 * outlasts a rebalance. Meanwhile a second instance joins (the group moves half the accounts while the split runs), or
 * the only instance's group session expires and it regains its partitions. Afterwards the topic takes the large event
 * too, and every account's history, read read_committed, must be one chain: sequences from 1 without gap or repeat,
 * each eventId once. (The Quarkus test application only hosts the simulator here.)
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class HandOffScenarioIT {

    private static final int ACCOUNTS = 300;
    private static final String LARGE = "acct-000";
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);
    private static final Duration STEP = Duration.ofSeconds(120);
    private static final Path WORK = Path.of("target", "hand-off-scenario");

    private final List<String> accounts = IntStream.range(0, ACCOUNTS).mapToObj(i -> String.format("acct-%03d", i))
            .toList();
    private final Map<String, BigDecimal> lastBalances = new ConcurrentHashMap<>();
    private final List<ServiceProcess> services = new ArrayList<>();
    private LocalKafkaBroker broker;
    private String topic;
    private String run;

    @BeforeEach
    void largeAccount() throws Exception {
        run = "handoff-" + Long.toString(System.nanoTime(), 36);
        topic = run + ".balance-changed";
        // A summary with hundreds of invoice types: its event is far larger than the others.
        Simulator.addInvoiceTypes(tenant(LARGE), 400);
        BigDecimal served = new BigDecimal(new ObjectMapper().readTree(Simulator.summary(tenant(LARGE)))
                .get("balanceAmount").asText()); // every simulated tenant starts from the same sample
        accounts.forEach(account -> lastBalances.put(account, served));
    }

    @AfterEach
    void tearDown() {
        services.forEach(ServiceProcess::close);
        if (broker != null) {
            broker.close();
        }
    }

    private String tenant(String account) {
        return "ho-" + run + "-" + account;
    }

    @Test
    void aSecondInstanceJoiningWhileABatchIsSplitPublishesNoSequenceTwice() throws Exception {
        try (Admin admin = startBrokerWithSmallEvents()) {
            ServiceProcess first = startInstance(1);
            awaitEveryFirstEventButTheLarge();
            first.stop();

            // Every account changed while the instance was away: its restart publishes hundreds of changes at once,
            // with the large event among them, and splits that batch account by account. The second instance joins
            // while it does.
            changeAll(1);
            first.start();
            awaitPollingAgain(first);
            ServiceProcess second = startInstance(2);
            await("the second instance takes a share").atMost(STEP).pollInterval(Duration.ofSeconds(1))
                    .until(() -> !InstanceHealth.ownedPartitions(second).isEmpty());
            changeAll(2);

            allowLargeEvents(admin);
            assertEveryHistoryIsOneChain();
        }
    }

    @Test
    void anInstanceWhoseSessionExpiredAndWhoRegainsItsAccountsPublishesNoSequenceTwice() throws Exception {
        try (Admin admin = startBrokerWithSmallEvents()) {
            ServiceProcess only = startInstance(1);
            awaitEveryFirstEventButTheLarge();
            only.stop();

            // The restart publishes hundreds of changes at once and splits that batch; frozen in the middle of it for
            // longer than the session timeout, the instance loses its partitions and gains them again, with requests
            // of the ended ownership still queued.
            changeAll(1);
            only.start();
            awaitPollingAgain(only);
            only.pause();
            pauseFor(SESSION_TIMEOUT.plusSeconds(4));
            only.resume();
            await("the partitions were lost and gained again").atMost(STEP)
                    .until(() -> only.log().contains("Lost (the group went on without this instance)"));
            changeAll(2);

            allowLargeEvents(admin);
            assertEveryHistoryIsOneChain();
        }
    }

    /** The restarted instance owns its accounts again (the log keeps the lines of its earlier runs). */
    private static void awaitPollingAgain(ServiceProcess service) {
        await("the instance owns the accounts again").atMost(STEP).until(() -> service.log()
                .split("Polling " + ACCOUNTS + " account\\(s\\)", -1).length > 2);
    }

    private Admin startBrokerWithSmallEvents() throws Exception {
        broker = LocalKafkaBroker.startTemporary("hand-off-kafka");
        Admin admin = KafkaClients.forReading(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers())).admin();
        admin.createTopics(List.of(new NewTopic(topic, 12, (short) 1)
                .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "20000")))).all().get(30, TimeUnit.SECONDS);
        return admin;
    }

    private ServiceProcess startInstance(int n) {
        Map<String, String> settings = ServiceSettings.scenario(broker.bootstrapServers(), topic, run, accounts,
                this::tenant, "2s");
        settings.put("balance-stream.kafka.partitions", "12");
        // A slow broker: every send waits 25 ms, so transactions take longer, batches grow and splits last.
        settings.put("kafka.linger.ms", "25");
        settings.put("quarkus.log.category.\"io.balancestream.poller.AccountPoller\".level", "WARN");
        ServiceProcess service = new ServiceProcess(settings, WORK.resolve(run + "-instance-" + n + ".log")).start();
        services.add(service);
        return service;
    }

    private void awaitEveryFirstEventButTheLarge() {
        await("first observation of every account but the large one").atMost(STEP)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> EventTopic.readAll(broker.bootstrapServers(), topic).stream()
                        .map(EventTopic.Event::key).distinct().count() == ACCOUNTS - 1);
    }

    /** Every account gets a new balance at about the same moment (one round of the scenario). */
    private void changeAll(int round) {
        accounts.parallelStream().forEach(account -> {
            BigDecimal balance = new BigDecimal(round + "000." + String.format("%02d", accounts.indexOf(account) % 100))
                    .add(BigDecimal.valueOf(accounts.indexOf(account)));
            Simulator.setBalance(tenant(account), balance.toPlainString());
            lastBalances.put(account, balance);
        });
    }

    private void allowLargeEvents(Admin admin) throws Exception {
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic),
                List.of(new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1048576"),
                        AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
    }

    private void assertEveryHistoryIsOneChain() {
        Map<String, BigDecimal> last = Map.copyOf(lastBalances);
        await("every account caught up with its last balance").atMost(STEP).pollInterval(Duration.ofSeconds(1))
                .until(() -> EventHistory.caughtUp(EventTopic.readAll(broker.bootstrapServers(), topic), last));
        EventHistory.assertExactlyOnceAndInOrder(EventTopic.readAll(broker.bootstrapServers(), topic), last);
    }

    private static void pauseFor(Duration duration) {
        // The scenario's timeline: the frozen instance stays frozen this long.
        await().pollDelay(duration).atMost(duration.plusSeconds(1)).until(() -> true);
    }
}
