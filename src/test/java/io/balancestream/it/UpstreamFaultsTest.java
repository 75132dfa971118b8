package io.balancestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** How the service behaves when Partner Center or Entra ID misbehave, observed at the simulator and in the log. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class UpstreamFaultsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Path LOG = Path.of("target", "test-logs", "balance-stream.log");
    private static final List<String> SECRETS = List.of("test-secret-contoso-5f1c9e", "test-secret-fabrikam-77ad21");

    @Test
    void rejectedCredentialsAreReportedByAccountAndEntraCodeAndPollingRecovers() {
        String account = "fabrikam";
        await().atMost(TIMEOUT).until(() -> Simulator.summaryRequests(account) >= 1);
        // The cached token is refused once, its renewal is refused twice by Entra, then all is well again.
        Simulator.fault(account, "token-failure", 2);
        Simulator.fault(account, "unauthorized", 1);
        long tokenRequests = Simulator.tokenRequests(account);

        await().atMost(TIMEOUT).until(() -> Simulator.pendingFaults(account) == 0);
        long polls = Simulator.summaryRequests(account);
        await().atMost(TIMEOUT).until(() -> Simulator.summaryRequests(account) >= polls + 2);

        assertThat(Simulator.tokenRequests(account)).as("one successful renewal").isEqualTo(tokenRequests + 1);
        assertThat(lastAnswer(account)).isEqualTo("summary");
        assertThat(log()).contains("token request for account fabrikam (tenant fabrikam, client "
                + "00000000-0000-0000-0000-0000000fab00)").contains("invalid_client (AADSTS7000215)");
    }

    @Test
    void transientTokenFailuresAreRetriedWithinThePoll() {
        String account = "fabrikam";
        await().atMost(TIMEOUT).until(() -> Simulator.summaryRequests(account) >= 1);
        long since = System.currentTimeMillis();
        long tokenRequests = Simulator.tokenRequests(account);
        // The cached token is refused; Entra is briefly unavailable for the renewal, then answers.
        Simulator.fault(account, "token-unavailable", 2);
        Simulator.fault(account, "unauthorized", 1);
        await().atMost(TIMEOUT).until(() -> answeredAfter(account, "unauthorized", since) != null);

        Map<String, String> refused = lastAnswered(account, "unauthorized", since);
        Map<String, String> retried = answeredAfter(account, "unauthorized", since);
        assertThat(retried.get("answer")).isEqualTo("summary");
        assertThat(retried.get("MS-CorrelationId")).as("still the same poll").isEqualTo(refused.get("MS-CorrelationId"));
        assertThat(Simulator.tokenRequests(account)).as("one token issued after two refusals")
                .isEqualTo(tokenRequests + 1);
    }

    @Test
    void timedOutRequestIsRetriedWithTheSameRequestId() {
        String account = "contoso";
        long since = System.currentTimeMillis();
        Simulator.fault(account, Map.of("type", "slow", "delayMillis", 3500));
        await().atMost(TIMEOUT).until(() -> Simulator.pendingFaults(account) == 0);
        await().atMost(TIMEOUT).until(() -> answeredAfter(account, "slow", since) != null);

        Map<String, String> slow = lastAnswered(account, "slow", since);
        Map<String, String> retry = answeredAfter(account, "slow", since);
        assertThat(retry.get("MS-RequestId")).isEqualTo(slow.get("MS-RequestId"));
        assertThat(retry.get("MS-CorrelationId")).isEqualTo(slow.get("MS-CorrelationId"));
    }

    @Test
    void serverErrorIsRetriedWithinThePollUnderANewRequestId() {
        String account = "contoso";
        long since = System.currentTimeMillis();
        Simulator.fault(account, "server-error", 1);
        await().atMost(TIMEOUT).until(() -> answeredAfter(account, "server-error", since) != null);

        Map<String, String> failed = lastAnswered(account, "server-error", since);
        Map<String, String> retry = answeredAfter(account, "server-error", since);
        assertThat(retry.get("MS-CorrelationId")).as("same poll").isEqualTo(failed.get("MS-CorrelationId"));
        assertThat(retry.get("MS-RequestId")).as("a response came, so a new id").isNotEqualTo(failed.get("MS-RequestId"));
    }

    @Test
    void throttlingIsHonouredWithoutHammering() {
        String account = "contoso";
        long since = System.currentTimeMillis();
        Simulator.fault(account, Map.of("type", "throttle", "retryAfterSeconds", 2));
        await().atMost(TIMEOUT).until(() -> answeredAfter(account, "throttle", since) != null);

        Map<String, String> throttled = lastAnswered(account, "throttle", since);
        Map<String, String> next = answeredAfter(account, "throttle", since);
        long waited = Long.parseLong(next.get("receivedAt")) - Long.parseLong(throttled.get("receivedAt"));
        assertThat(waited).as("Retry-After of 2 s, poll interval 300 ms").isGreaterThanOrEqualTo(2000);
    }

    @Test
    void secretsAndTokensNeverReachTheLogOrTheEvents() throws IOException {
        await().atMost(TIMEOUT).until(() -> Simulator.tokenRequests("contoso") >= 1
                && Simulator.tokenRequests("fabrikam") >= 1 && Files.exists(LOG));
        String log = log();
        assertThat(log).contains("Watching 2 partner account(s)");
        for (String secret : SECRETS) {
            assertThat(log).doesNotContain(secret);
        }
        assertThat(log).as("issued bearer tokens").doesNotContain("sim-");
        for (EventTopic.Event event : EventTopic.readAll()) {
            for (String secret : SECRETS) {
                assertThat(event.value().toString()).doesNotContain(secret);
                assertThat(event.headers().toString()).doesNotContain(secret);
            }
        }
    }

    /** The request that followed the last one answered with {@code answer} since then; null if none came yet. */
    private static Map<String, String> answeredAfter(String account, String answer, long since) {
        List<Map<String, String>> requests = Simulator.requests(account);
        for (int i = requests.size() - 2; i >= 0; i--) {
            if (answer.equals(requests.get(i).get("answer")) && receivedAt(requests.get(i)) >= since) {
                return requests.get(i + 1);
            }
        }
        return null;
    }

    private static Map<String, String> lastAnswered(String account, String answer, long since) {
        return Simulator.requests(account).stream()
                .filter(r -> answer.equals(r.get("answer")) && receivedAt(r) >= since)
                .reduce((first, second) -> second).orElseThrow();
    }

    private static long receivedAt(Map<String, String> request) {
        return Long.parseLong(request.get("receivedAt"));
    }

    private static String lastAnswer(String account) {
        List<Map<String, String>> requests = Simulator.requests(account);
        return requests.get(requests.size() - 1).get("answer");
    }

    private static String log() {
        try {
            return Files.readString(LOG);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
