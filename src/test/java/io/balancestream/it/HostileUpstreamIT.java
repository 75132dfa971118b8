package io.balancestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Upstream answers that once stopped an account for good now cost one poll: the packaged service against a
 * Partner Center stand-in that trickles its body or asks for an absurd pause (tokens come from the simulator).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class HostileUpstreamIT {

    private static final Path WORK = Path.of("target", "hostile-upstream-it");

    private static Map<String, String> settings(HostileUpstream upstream, String run) {
        String kafka = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        Map<String, String> settings = ServiceSettings.of(kafka, run + ".balance-changed", run, List.of("hostile"),
                account -> "hostile-" + run);
        settings.put("balance-stream.accounts.hostile.api-url", upstream.url());
        settings.put("balance-stream.poll-interval", "500ms");
        settings.put("balance-stream.http.read-timeout", "2s");
        settings.put("balance-stream.http.max-attempts", "1");
        return settings;
    }

    @Test
    void aTricklingBodyFailsThePollAtItsDeadlineAndPollingGoesOn() {
        try (HostileUpstream upstream = new HostileUpstream(HostileUpstream.Behaviour.TRICKLE);
                ServiceProcess service = new ServiceProcess(withDeadline(settings(upstream, "trickle")),
                        WORK.resolve("trickle.log")).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> upstream.requests() >= 2);
            assertThat(service.log()).contains("Poll of account hostile failed (timeout)")
                    .contains("within PT3S (balance-stream.http.poll-timeout)")
                    .doesNotContain("Polling loop of account hostile stopped");
            // The abandoned body's connection is closed, not left trickling.
            await().atMost(Duration.ofSeconds(10)).until(() -> upstream.abandoned() >= 1);
        }
    }

    @Test
    void anEndlessBodyIsCutAtOneMebibyteWhileItIsReadAndPollingGoesOn() {
        try (HostileUpstream upstream = new HostileUpstream(HostileUpstream.Behaviour.ENDLESS_BODY);
                ServiceProcess service = new ServiceProcess(settings(upstream, "endless"),
                        WORK.resolve("endless.log")).start()) {
            // The poll deadline stays at its default (2 minutes): only a limit applied while reading fails it sooner.
            await().atMost(Duration.ofSeconds(60)).until(() -> upstream.requests() >= 2 && upstream.abandoned() >= 1);
            assertThat(service.log()).contains("Poll of account hostile failed (oversized)")
                    .contains("with a body longer than 1048576 bytes")
                    .doesNotContain("Polling loop of account hostile stopped")
                    .doesNotContain("OutOfMemoryError");
            // What one connection got out is the limit plus what the sockets buffer, not an unbounded stream.
            assertThat(upstream.largestBodySent()).isLessThan(64L * 1024 * 1024);
        }
    }

    private static Map<String, String> withDeadline(Map<String, String> settings) {
        settings.put("balance-stream.http.poll-timeout", "3s");
        return settings;
    }

    @Test
    void anAbsurdRetryAfterIsCappedAndPollingGoesOn() {
        try (HostileUpstream upstream = new HostileUpstream(HostileUpstream.Behaviour.ABSURD_RETRY_AFTER)) {
            Map<String, String> settings = settings(upstream, "retry-after");
            settings.put("balance-stream.http.max-retry-after", "2s");
            try (ServiceProcess service = new ServiceProcess(settings, WORK.resolve("retry-after.log")).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> upstream.requests() >= 3);
                assertThat(service.log()).contains("Partner Center throttled account hostile (429), retry after 2 s")
                        .doesNotContain("Polling loop of account hostile stopped");
            }
        }
    }
}
