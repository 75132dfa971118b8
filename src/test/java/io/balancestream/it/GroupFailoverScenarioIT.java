package io.balancestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.balancestream.simulator.LocalKafkaBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Several instances, one truth. Three packaged instances share 60 accounts through the consumer group while
 * balances change every few seconds; one is killed (SIGKILL), one is frozen (SIGSTOP) for longer than the session
 * timeout and thawed after its accounts moved, and a fourth joins. Read read_committed afterwards, every account's
 * events must still form one gap-free chain ending at the balance Partner Center serves. (The Quarkus test
 * application only hosts the simulator here.)
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class GroupFailoverScenarioIT {

    private static final int ACCOUNTS = 60;
    private static final String TOPIC = "failover-test.balance-changed";
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);
    private static final Duration STEP = Duration.ofSeconds(90);
    private static final Path WORK = Path.of("target", "failover-test");

    private final List<String> accounts = IntStream.range(0, ACCOUNTS).mapToObj(i -> String.format("acct-%02d", i))
            .toList();
    private final List<ServiceProcess> services = new ArrayList<>();
    private LocalKafkaBroker broker;

    @AfterEach
    void tearDown() {
        services.forEach(ServiceProcess::close);
        if (broker != null) {
            broker.close();
        }
    }

    private static String tenant(String account) {
        return "gf-" + account;
    }

    private ServiceProcess startInstance(int n) {
        Map<String, String> settings = ServiceSettings.scenario(broker.bootstrapServers(), TOPIC, "failover-test",
                accounts, GroupFailoverScenarioIT::tenant, "1s");
        settings.put("balance-stream.kafka.partitions", "12");
        settings.put("quarkus.log.category.\"io.balancestream.poller.AccountPoller\".level", "WARN");
        ServiceProcess service = new ServiceProcess(settings, WORK.resolve("instance-" + n + ".log")).start();
        services.add(service);
        return service;
    }

    @Test
    void everyAccountKeepsOneGapFreeHistoryThroughKillsPausesAndNewInstances() throws IOException {
        broker = LocalKafkaBroker.startTemporary("failover-kafka");
        ServiceProcess first = startInstance(1);
        ServiceProcess second = startInstance(2);
        startInstance(3);
        await("first observation of every account").atMost(STEP).pollInterval(Duration.ofSeconds(1))
                .until(() -> EventTopic.readAll(broker.bootstrapServers(), TOPIC).stream()
                        .map(EventTopic.Event::key).distinct().count() == ACCOUNTS);

        Duration unpolled;
        try (BalanceChanger changer = new BalanceChanger(accounts, GroupFailoverScenarioIT::tenant,
                new BigDecimal("751094.39")).start(150)) {
            pause(Duration.ofSeconds(8));

            Instant killed = Instant.now();
            first.kill();
            pause(Duration.ofSeconds(15));
            unpolled = longestUnpolled(killed.minusSeconds(2), Instant.now());

            second.pause();
            pause(SESSION_TIMEOUT.plusSeconds(10));
            second.resume();
            pause(Duration.ofSeconds(10));

            ServiceProcess fourth = startInstance(4);
            await("the new instance takes a share").atMost(STEP).pollInterval(Duration.ofSeconds(1))
                    .until(() -> !InstanceHealth.ownedPartitions(fourth).isEmpty());
            pause(Duration.ofSeconds(8));
            assertThat(changer.changes()).as("balance changes during the run").isGreaterThan(200);
            changer.close();

            Map<String, BigDecimal> last = changer.lastBalances();
            await("every account caught up with its last balance").atMost(STEP).pollInterval(Duration.ofSeconds(1))
                    .until(() -> EventHistory.caughtUp(EventTopic.readAll(broker.bootstrapServers(), TOPIC), last));
            EventHistory.assertExactlyOnceAndInOrder(EventTopic.readAll(broker.bootstrapServers(), TOPIC), last);
        }
        String figure = "longest time an account went unpolled after its instance was killed: "
                + unpolled.toMillis() + " ms (session timeout " + SESSION_TIMEOUT.toSeconds() + " s, poll interval 1 s)";
        System.out.println(figure);
        Files.writeString(WORK.resolve("failover-time.txt"), figure + System.lineSeparator());
        assertThat(unpolled).as("the accounts of a dead instance move to the others")
                .isLessThan(SESSION_TIMEOUT.plusSeconds(12));
    }

    /** The longest gap between two polls of any account within the window: how long the kill left it alone. */
    private Duration longestUnpolled(Instant from, Instant to) {
        long longest = 0;
        for (String account : accounts) {
            long previous = from.toEpochMilli();
            for (Map<String, String> request : Simulator.requests(tenant(account))) {
                long at = Long.parseLong(request.get("receivedAt"));
                if (at < from.toEpochMilli() || at > to.toEpochMilli()) {
                    continue;
                }
                longest = Math.max(longest, at - previous);
                previous = at;
            }
            longest = Math.max(longest, to.toEpochMilli() - previous);
        }
        return Duration.ofMillis(longest);
    }

    private static void pause(Duration duration) {
        // The scenario's timeline: instances run under load for this long before the next event.
        await().pollDelay(duration).atMost(duration.plusSeconds(1)).until(() -> true);
    }
}
