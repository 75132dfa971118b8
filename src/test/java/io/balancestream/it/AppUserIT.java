package io.balancestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.CommonClientConfigs;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.balancestream.events.BalanceChanged;
import io.balancestream.kafka.KafkaClients;
import io.balancestream.kafka.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * App+User credentials on the packaged service: the refresh-token grant against the simulator, which rotates the
 * refresh token on every use and (single-use mode) refuses a used one. A restart must continue from the newest
 * token, stored sealed in the state topic, although the configuration still holds the first one; a revoked token
 * stops that account with a message for a person, and the app-only account beside it goes on.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class AppUserIT {

    @Test
    void theNewestRefreshTokenSurvivesARestartAndARevokedOneAsksForConsent() {
        String run = "appuser-" + UUID.randomUUID().toString().substring(0, 6);
        String topic = run + ".balance-changed";
        String kafka = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        String userTenant = "au-" + run;
        String appTenant = "ap-" + run;
        String seed = "seed-refresh-token-" + run;
        Simulator.acceptRefreshToken(userTenant, seed, true);
        // Tokens that live 30 s are renewed at every poll (60 s before expiry): every poll rotates the refresh token.
        Simulator.setTokenLifetime(userTenant, 30);
        Map<String, String> settings = ServiceSettings.of(kafka, topic, run, List.of("user", "app"),
                account -> account.equals("user") ? userTenant : appTenant);
        settings.put("balance-stream.poll-interval", "500ms");
        settings.put("balance-stream.health.failure-grace-period", "1h");
        settings.put("balance-stream.accounts.user.auth", "app-user");
        settings.put("balance-stream.accounts.user.refresh-token", seed);
        Path log = Path.of("target", "app-user-it", run + ".log");
        List<String> seenRefreshTokens = new ArrayList<>(List.of(seed));
        try (ServiceProcess service = new ServiceProcess(settings, log).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> events(kafka, topic, "user").size() == 1
                    && events(kafka, topic, "app").size() == 1);
            // Rotated several times; the seed itself is spent.
            await().atMost(Duration.ofSeconds(30)).until(() -> Simulator.tokenRequests(userTenant) >= 4);
            assertThat(Simulator.refreshTokens(userTenant)).doesNotContain(seed).hasSize(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> storedRefreshTokens(kafka, topic).size() >= 2);
            seenRefreshTokens.addAll(Simulator.refreshTokens(userTenant));
            service.stop();

            Simulator.setBalance(userTenant, "4321.09");
            service.start();
            // The configuration still says the spent seed: only the stored token can get this event out.
            await().atMost(Duration.ofSeconds(60)).until(() -> events(kafka, topic, "user").size() == 2);
            assertThat(events(kafka, topic, "user").get(1).getCurrent().getBalanceAmount())
                    .isEqualByComparingTo(new BigDecimal("4321.09"));
            assertThat(service.log()).doesNotContain("invalid_grant");
            seenRefreshTokens.addAll(Simulator.refreshTokens(userTenant));

            // A token without the MFA claim (Partner Center's 401, code 900421): a person must sign in with MFA.
            Simulator.fault(userTenant, "mfa-required", 2);
            await().atMost(Duration.ofSeconds(30)).until(() -> service.log().contains("for want of multi-factor "
                    + "authentication"));
            assertThat(service.log()).contains("Poll of account user failed (consent_required)");

            // Revoked (or expired after 90 days unused): a person must consent again; the other account goes on.
            Simulator.revokeRefreshTokens(userTenant);
            await().atMost(Duration.ofSeconds(30)).until(() -> service.log().contains("the partner must consent again"));
            await().atMost(Duration.ofSeconds(30)).until(() -> InstanceHealth.body(service)
                    .contains("needs a person: consent_required"));
            Simulator.setBalance(appTenant, "99.99");
            await().atMost(Duration.ofSeconds(30)).until(() -> events(kafka, topic, "app").size() == 2);

            String everything = service.log();
            for (String refreshToken : seenRefreshTokens) {
                assertThat(everything).as("a refresh token in the log").doesNotContain(refreshToken);
                for (byte[] stored : storedRefreshTokens(kafka, topic)) {
                    assertThat(new String(stored, StandardCharsets.ISO_8859_1)).as("a refresh token in clear in Kafka")
                            .doesNotContain(refreshToken);
                }
            }
        }
    }

    private static List<BalanceChanged> events(String kafka, String topic, String account) {
        return EventTopic.readAll(kafka, topic).stream().filter(event -> account.equals(event.key()))
                .map(EventTopic.Event::value).toList();
    }

    /** The refresh-token records of the state topic, as stored. */
    private static List<byte[]> storedRefreshTokens(String kafka, String topic) {
        List<byte[]> values = new ArrayList<>();
        try (TopicReader reader = new TopicReader(KafkaClients.forReading(Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka)), "test-reader")) {
            reader.readToEnd(reader.partitionsOf(topic + ".state", Duration.ofSeconds(30)), Duration.ofSeconds(30),
                    () -> true, record -> {
                        if (record.key() != null && record.key().startsWith("refresh-token/")) {
                            values.add(record.value());
                        }
                    });
        }
        return values;
    }
}
