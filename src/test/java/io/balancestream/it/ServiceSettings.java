package io.balancestream.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;

import io.balancestream.simulator.LocalKafkaBroker;

/** Settings of a packaged service that polls simulated tenants of the test application's simulator. */
final class ServiceSettings {

    private ServiceSettings() {
    }

    /**
     * Settings of an instance in a failover scenario: frequent polls, a short session and transaction timeout so
     * that failovers happen within seconds.
     */
    static Map<String, String> scenario(String bootstrapServers, String topic, String groupId,
            Collection<String> accounts, java.util.function.Function<String, String> tenantOf, String pollInterval) {
        Map<String, String> settings = of(bootstrapServers, topic, groupId, accounts, tenantOf);
        settings.put("balance-stream.poll-interval", pollInterval);
        settings.put("balance-stream.kafka.session-timeout", "6s");
        settings.put("balance-stream.kafka.transaction-timeout", "10s");
        return settings;
    }

    /** The simulator's test CA, which signs the certificate of its webhook callbacks. */
    private static final Path SIMULATOR_CA = Path.of("src", "dev", "resources", "simulator", "webhook", "ca.pem");

    /** {@code account} takes Partner Center's callbacks, signed by the simulator's test chain. */
    static void takeWebhooks(Map<String, String> settings, String account, Duration minPollInterval) {
        settings.put("balance-stream.accounts." + account + ".webhook.enabled", "true");
        settings.put("balance-stream.webhook.certificate-hosts", "localhost");
        settings.put("balance-stream.webhook.trust-store", SIMULATOR_CA.toAbsolutePath().toString());
        settings.put("balance-stream.webhook.min-poll-interval", minPollInterval.toMillis() + "ms");
    }

    /** Where the instance with these settings takes the account's callbacks. */
    static String callbackUrl(Map<String, String> settings, String account) {
        return "http://localhost:" + settings.get("quarkus.http.port") + "/partner-center/webhooks/" + account;
    }

    /**
     * @param tenantOf the simulated tenant of each account id
     */
    static Map<String, String> of(String bootstrapServers, String topic, String groupId, Collection<String> accounts,
            java.util.function.Function<String, String> tenantOf) {
        int simulatorPort = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("quarkus.http.port", Integer.toString(LocalKafkaBroker.freePort()));
        settings.put("kafka.bootstrap.servers", bootstrapServers);
        settings.put("balance-stream.kafka.topic", topic);
        settings.put("balance-stream.kafka.group-id", groupId);
        for (String account : accounts) {
            String prefix = "balance-stream.accounts." + account + ".";
            String base = "http://localhost:" + simulatorPort + "/simulator/" + tenantOf.apply(account);
            settings.put(prefix + "tenant-id", tenantOf.apply(account));
            settings.put(prefix + "client-id", "client-" + account);
            settings.put(prefix + "client-secret", "it-secret-" + account);
            settings.put(prefix + "api-url", base);
            settings.put(prefix + "token-url", base + "/oauth2/v2.0/token");
        }
        return settings;
    }
}
