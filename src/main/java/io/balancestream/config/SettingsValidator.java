package io.balancestream.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the settings whose type alone allows nonsense (a zero poll interval, a negative backoff) before anything
 * runs, naming every offending key at once. Written out rather than Hibernate Validator: a dozen comparisons do
 * not justify another extension in a service that starts in about a second.
 */
public final class SettingsValidator {

    private static final Duration LONGEST = Duration.ofDays(1);

    private SettingsValidator() {
    }

    /** @throws IllegalStateException naming each invalid key and its value */
    public static void check(BalanceStreamConfig config) {
        List<String> errors = new ArrayList<>();
        BalanceStreamConfig.Http http = config.http();
        positive(errors, "balance-stream.poll-interval", config.pollInterval());
        positive(errors, "balance-stream.http.connect-timeout", http.connectTimeout());
        positive(errors, "balance-stream.http.read-timeout", http.readTimeout());
        positive(errors, "balance-stream.http.initial-backoff", http.initialBackoff());
        positive(errors, "balance-stream.http.max-backoff", http.maxBackoff());
        positive(errors, "balance-stream.http.max-retry-after", http.maxRetryAfter());
        positive(errors, "balance-stream.http.poll-timeout", http.pollTimeout());
        positive(errors, "balance-stream.health.failure-grace-period", config.health().failureGracePeriod());
        positive(errors, "balance-stream.kafka.session-timeout", config.kafka().sessionTimeout());
        positive(errors, "balance-stream.webhook.min-poll-interval", config.webhook().minPollInterval());
        config.webhook().trustStore().filter(path -> !java.nio.file.Files.isReadable(path)).ifPresent(path -> errors
                .add("balance-stream.webhook.trust-store names no readable file: " + path));
        if (config.webhook().certificateHosts().stream().anyMatch(String::isBlank)) {
            errors.add("balance-stream.webhook.certificate-hosts holds an empty host name");
        }
        positive(errors, "balance-stream.kafka.transaction-timeout", config.kafka().transactionTimeout());
        if (http.maxBackoff().compareTo(http.initialBackoff()) < 0) {
            errors.add("balance-stream.http.max-backoff (" + http.maxBackoff() + ") is shorter than "
                    + "balance-stream.http.initial-backoff (" + http.initialBackoff() + ")");
        }
        if (http.maxAttempts() < 1) {
            errors.add("balance-stream.http.max-attempts must be at least 1, was " + http.maxAttempts());
        }
        if (config.firstPollConcurrency() < 1) {
            errors.add("balance-stream.first-poll-concurrency must be at least 1, was "
                    + config.firstPollConcurrency());
        }
        if (config.kafka().partitions() < 1) {
            errors.add("balance-stream.kafka.partitions must be at least 1, was " + config.kafka().partitions());
        }
        if (config.kafka().sessionTimeout().compareTo(Duration.ofSeconds(1)) < 0) {
            errors.add("balance-stream.kafka.session-timeout must be at least 1s, was "
                    + config.kafka().sessionTimeout());
        }
        topicsDiffer(errors, config.kafka());
        if (!errors.isEmpty()) {
            throw new IllegalStateException("Invalid balance-stream configuration: " + String.join("; ", errors));
        }
    }

    /** Each topic has one kind of record: events, states, forwarded callbacks. */
    private static void topicsDiffer(List<String> errors, BalanceStreamConfig.Kafka kafka) {
        String events = kafka.topic();
        String state = kafka.stateTopicName();
        String webhooks = kafka.webhookTopicName();
        if (state.equals(events)) {
            errors.add("balance-stream.kafka.state-topic must differ from balance-stream.kafka.topic (both " + events
                    + "): state records would reach the consumers of the events");
        }
        if (webhooks.equals(events) || webhooks.equals(state)) {
            errors.add("balance-stream.kafka.webhook-topic must differ from balance-stream.kafka.topic and "
                    + "balance-stream.kafka.state-topic, was " + webhooks);
        }
    }

    private static void positive(List<String> errors, String key, Duration value) {
        if (value.isZero() || value.isNegative()) {
            errors.add(key + " must be longer than zero, was " + value);
        } else if (value.compareTo(LONGEST) > 0) {
            errors.add(key + " must be at most " + LONGEST + ", was " + value);
        }
    }
}
