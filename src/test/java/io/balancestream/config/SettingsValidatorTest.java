package io.balancestream.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * What startup refuses, naming the key and never a secret: the configuration mapping as Quarkus builds it (missing
 * and unreadable values), then {@link SettingsValidator} (values whose type allows nonsense). PackagedServiceIT shows
 * once that a refusal stops the packaged service with a non-zero exit.
 */
class SettingsValidatorTest {

    private static final String SECRET = "unit-test-secret-4b7e";

    private static Map<String, String> valid() {
        Map<String, String> settings = new HashMap<>();
        settings.put("balance-stream.accounts.acme.tenant-id", "acme-tenant");
        settings.put("balance-stream.accounts.acme.client-id", "acme-client");
        settings.put("balance-stream.accounts.acme.client-secret", SECRET);
        return settings;
    }

    private static BalanceStreamConfig mapped(Map<String, String> settings) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(BalanceStreamConfig.class)
                .withSources(new PropertiesConfigSource(settings, "test", 500))
                .build();
        return config.getConfigMapping(BalanceStreamConfig.class);
    }

    private static void check(Map<String, String> settings) {
        SettingsValidator.check(mapped(settings));
    }

    @Test
    void validSettingsPass() {
        check(valid());
    }

    @Test
    void aMissingSettingIsNamed() {
        Map<String, String> settings = valid();
        settings.remove("balance-stream.accounts.acme.client-id");

        assertThatThrownBy(() -> mapped(settings)).hasMessageContaining("balance-stream.accounts.acme.client-id")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void anUnreadableValueIsNamed() {
        Map<String, String> settings = valid();
        settings.put("balance-stream.poll-interval", "often");

        assertThatThrownBy(() -> mapped(settings)).hasMessageContaining("balance-stream.poll-interval")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void durationsThatWouldStopALoopAreEachNamed() {
        Map<String, String> settings = valid();
        settings.put("balance-stream.poll-interval", "0s");
        settings.put("balance-stream.http.initial-backoff", "0s");
        settings.put("balance-stream.http.max-retry-after", "-1s");

        assertThatThrownBy(() -> check(settings)).hasMessageContaining("balance-stream.poll-interval")
                .hasMessageContaining("balance-stream.http.initial-backoff")
                .hasMessageContaining("balance-stream.http.max-retry-after").hasMessageNotContaining(SECRET);
    }

    @Test
    void topicsThatWouldMixEventsStatesAndCallbacksAreNamed() {
        Map<String, String> settings = valid();
        settings.put("balance-stream.kafka.topic", "billing.balances");
        settings.put("balance-stream.kafka.state-topic", "billing.balances");
        settings.put("balance-stream.kafka.webhook-topic", "billing.balances");

        assertThatThrownBy(() -> check(settings))
                .hasMessageContaining("balance-stream.kafka.state-topic must differ from balance-stream.kafka.topic")
                .hasMessageContaining("balance-stream.kafka.webhook-topic must differ");
    }

    @Test
    void backoffsInTheWrongOrderAreNamed() {
        Map<String, String> settings = valid();
        settings.put("balance-stream.http.initial-backoff", "10s");
        settings.put("balance-stream.http.max-backoff", "1s");

        assertThatThrownBy(() -> check(settings)).hasMessageContaining(
                "balance-stream.http.max-backoff (PT1S) is shorter than balance-stream.http.initial-backoff (PT10S)");
    }
}
