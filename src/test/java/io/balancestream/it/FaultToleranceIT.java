package io.balancestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.balancestream.event.BalanceEventMapper;
import io.balancestream.events.BalanceChanged;
import io.balancestream.events.ChangeKind;
import io.balancestream.simulator.LocalKafkaBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The delivery guarantees under fire. The packaged service polls three simulated accounts through a scripted
 * timeline of more than 50 balance changes with every kind of upstream fault, a clean and a hard Kafka outage, a
 * hard kill and a clean restart of the service. The topic, read as a read_committed consumer, must then hold
 * exactly the expected transitions per account: none missing, none twice, in order, with exact amounts.
 * (The Quarkus test application only hosts the simulator here; its own polling uses another broker and topic.)
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class FaultToleranceIT {

    private static final List<String> ACCOUNTS = List.of("alpha", "beta", "gamma");
    private static final String TOPIC = "fault-test.balance-changed";
    private static final BigDecimal SAMPLE_BALANCE = new BigDecimal("751094.39");
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(90);
    private static final String[] NO_FAULTS = { "none" };
    private static final Path WORK = Path.of("target", "fault-test");

    private final Map<String, List<BigDecimal>> expected = new LinkedHashMap<>();
    private LocalKafkaBroker broker;
    private ServiceProcess service;
    private int changes;
    private final int servicePort = LocalKafkaBroker.freePort();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void tearDown() {
        if (service != null) {
            service.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void topicHoldsExactlyTheExpectedTransitions() {
        broker = LocalKafkaBroker.startTemporary("fault-test-kafka");
        service = new ServiceProcess(serviceSettings(), WORK.resolve("service.log")).start();
        ACCOUNTS.forEach(account -> expected.computeIfAbsent(account, a -> new ArrayList<>()).add(SAMPLE_BALANCE));
        awaitExpectedEvents("first observations");

        String[] faultKinds = { "server-error", "throttle", "malformed", "html", "empty", "slow", "token",
                "persistent-server-error", "token-unavailable", "none" };
        int round = 0;
        for (; round < 6; round++) {
            changeEveryAccount(round, faultKinds);
            awaitExpectedEvents("round " + round);
        }

        // Kafka stops cleanly and every account changes twice while it is away: the service sees both changes,
        // keeps them in order and publishes both once Kafka is back.
        broker.stop();
        changeEveryAccountAndAwaitAPoll(round++);
        changeEveryAccountAndAwaitAPoll(round++);
        await("not ready without Kafka").atMost(STEP_TIMEOUT).until(() -> health("ready") == 503);
        broker.start();
        awaitExpectedEvents("after the clean Kafka outage");
        await("ready again").atMost(STEP_TIMEOUT).until(() -> health("ready") == 200);
        assertThat(health("live")).as("a Kafka outage is no reason to restart the service").isEqualTo(200);

        for (; round < 10; round++) {
            changeEveryAccount(round, faultKinds);
            awaitExpectedEvents("round " + round);
        }

        // The service is killed right after a change (it may or may not have published it), and another account
        // changes while it is down.
        change("beta", round);
        service.kill();
        change("gamma", round);
        service.start();
        awaitExpectedEvents("after the service was killed");
        round++;

        // A clean restart with nothing changed publishes nothing and keeps counting where it stopped.
        Map<String, Integer> before = eventCounts();
        service.stop();
        service.start();
        awaitPolls(summaryRequests(), 4);
        assertThat(eventCounts()).as("no event after a restart without changes").isEqualTo(before);

        // Kafka crashes (SIGKILL) with a change in flight, and another change comes while it is down.
        changeEveryAccountAndAwaitAPoll(round++);
        broker.kill();
        changeEveryAccountAndAwaitAPoll(round++);
        broker.start();
        awaitExpectedEvents("after the Kafka crash");

        for (; round < 20; round++) {
            changeEveryAccount(round, faultKinds);
            awaitExpectedEvents("round " + round);
        }

        assertThat(changes).as("scripted state changes").isGreaterThanOrEqualTo(50);
        assertTopicHoldsExactlyTheExpectedTransitions();
    }

    private void assertTopicHoldsExactlyTheExpectedTransitions() {
        List<EventTopic.Event> records = EventTopic.readAll(broker.bootstrapServers(), TOPIC);
        Set<String> eventIds = new HashSet<>();
        for (String account : ACCOUNTS) {
            List<EventTopic.Event> ofAccount = records.stream().filter(r -> account.equals(r.key())).toList();
            List<BigDecimal> balances = ofAccount.stream().map(r -> r.value().getCurrent().getBalanceAmount())
                    .toList();
            assertThat(balances).as("balances published for %s, in order", account)
                    .usingElementComparator(BigDecimal::compareTo).containsExactlyElementsOf(expected.get(account));
            assertThat(ofAccount).extracting(EventTopic.Event::partition).as("one partition per account")
                    .containsOnly(ofAccount.get(0).partition());
            for (int i = 0; i < ofAccount.size(); i++) {
                BalanceChanged event = ofAccount.get(i).value();
                assertThat(event.getSequence()).as("gap-free sequence of %s", account).isEqualTo(i + 1);
                assertThat(event.getEventId()).isEqualTo(BalanceEventMapper.eventId(account, i + 1));
                assertThat(eventIds.add(event.getEventId())).as("event %s only once", event.getEventId()).isTrue();
                if (i == 0) {
                    assertThat(event.getPrevious()).isNull();
                    assertThat(event.getChanges()).containsExactly(ChangeKind.FIRST_OBSERVATION);
                } else {
                    assertThat(event.getPrevious().getBalanceAmount())
                            .isEqualTo(ofAccount.get(i - 1).value().getCurrent().getBalanceAmount());
                    assertThat(event.getChanges()).contains(ChangeKind.BALANCE);
                }
            }
        }
    }

    /** A change without faults, and a poll that saw it: the service has observed it, whatever Kafka does. */
    private void changeEveryAccountAndAwaitAPoll(int round) {
        changeEveryAccount(round, NO_FAULTS);
        // Counted after the change: a request that arrives later than this count was served the new state.
        awaitPolls(summaryRequests(), 1);
    }

    private void changeEveryAccount(int round, String[] faultKinds) {
        for (int i = 0; i < ACCOUNTS.size(); i++) {
            String account = ACCOUNTS.get(i);
            injectFault(account, faultKinds[(round + i) % faultKinds.length]);
            change(account, round);
        }
    }

    /** A new balance for the account, unique in the run, sometimes with every digit the schema can hold. */
    private void change(String account, int round) {
        BigDecimal balance = round % 7 == 3
                ? new BigDecimal("98765432109876543210.12345678" + (ACCOUNTS.indexOf(account) + round % 10))
                : new BigDecimal(round * 1000 + ACCOUNTS.indexOf(account) * 100 + 17 + "." + (10 + round));
        Simulator.setBalance(tenant(account), balance.toPlainString());
        expected.get(account).add(balance);
        changes++;
    }

    private static void injectFault(String account, String kind) {
        String tenant = tenant(account);
        switch (kind) {
            case "throttle" -> Simulator.fault(tenant, Map.of("type", "throttle", "retryAfterSeconds", 1));
            case "slow" -> Simulator.fault(tenant, Map.of("type", "slow", "delayMillis", 1500));
            case "token" -> {
                // The cached token is refused, its renewal fails at Entra once, the next poll gets a new one.
                Simulator.fault(tenant, "unauthorized", 1);
                Simulator.fault(tenant, "token-failure", 1);
            }
            case "token-unavailable" -> {
                // The cached token is refused and Entra is briefly unavailable for the renewal.
                Simulator.fault(tenant, "unauthorized", 1);
                Simulator.fault(tenant, "token-unavailable", 1);
            }
            // More failures than attempts per poll: that poll fails as a whole.
            case "persistent-server-error" -> Simulator.fault(tenant, "server-error", 4);
            case "none" -> {
            }
            default -> Simulator.fault(tenant, kind, 1);
        }
    }

    private void awaitExpectedEvents(String step) {
        await(step).atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(250)).until(() -> {
            Map<String, Integer> counts = eventCounts();
            return ACCOUNTS.stream().allMatch(a -> counts.getOrDefault(a, 0) >= expected.get(a).size());
        });
    }

    private Map<String, Integer> eventCounts() {
        Map<String, Integer> counts = new HashMap<>();
        for (EventTopic.Event record : EventTopic.readAll(broker.bootstrapServers(), TOPIC)) {
            counts.merge(record.key(), 1, Integer::sum);
        }
        return counts;
    }

    private static Map<String, Long> summaryRequests() {
        Map<String, Long> polls = new HashMap<>();
        ACCOUNTS.forEach(account -> polls.put(account, Simulator.summaryRequests(tenant(account))));
        return polls;
    }

    private static void awaitPolls(Map<String, Long> since, int more) {
        await("polls").atMost(STEP_TIMEOUT).until(() -> ACCOUNTS.stream()
                .allMatch(a -> Simulator.summaryRequests(tenant(a)) >= since.get(a) + more));
    }

    private int health(String check) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + service.managementPort() + "/q/health/"
                    + check)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String tenant(String account) {
        return "ft-" + account;
    }

    private Map<String, String> serviceSettings() {
        int simulatorPort = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("quarkus.http.port", Integer.toString(servicePort));
        settings.put("kafka.bootstrap.servers", broker.bootstrapServers());
        settings.put("balance-stream.kafka.topic", TOPIC);
        settings.put("balance-stream.kafka.group-id", "fault-test");
        settings.put("kafka.delivery.timeout.ms", "5000");
        settings.put("kafka.request.timeout.ms", "2000");
        settings.put("kafka.max.block.ms", "2000");
        settings.put("balance-stream.poll-interval", "200ms");
        settings.put("balance-stream.http.read-timeout", "1s");
        settings.put("balance-stream.http.initial-backoff", "50ms");
        settings.put("balance-stream.http.max-backoff", "200ms");
        for (String account : ACCOUNTS) {
            String prefix = "balance-stream.accounts." + account + ".";
            String base = "http://localhost:" + simulatorPort + "/simulator/" + tenant(account);
            settings.put(prefix + "tenant-id", tenant(account));
            settings.put(prefix + "client-id", "client-" + account);
            settings.put(prefix + "client-secret", "fault-test-secret-" + account);
            settings.put(prefix + "api-url", base);
            settings.put(prefix + "token-url", base + "/oauth2/v2.0/token");
        }
        return settings;
    }
}
