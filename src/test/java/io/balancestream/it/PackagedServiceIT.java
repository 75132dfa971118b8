package io.balancestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.balancestream.simulator.LocalKafkaBroker;

/**
 * The production artifact as an operator runs it: a refused setting stops it with a non-zero exit naming the key
 * (each refusal on its own: SettingsValidatorTest), environment variables reach the accounts they name, and it serves
 * no simulator.
 */
class PackagedServiceIT {

    private static final String SECRET = "packaged-test-secret-9c1d";

    private static Map<String, String> settings(int port) {
        Map<String, String> settings = new HashMap<>();
        settings.put("quarkus.http.port", Integer.toString(port));
        settings.put("kafka.bootstrap.servers", "localhost:1");
        settings.put("balance-stream.accounts.acme.tenant-id", "acme-tenant");
        settings.put("balance-stream.accounts.acme.client-id", "acme-client");
        settings.put("balance-stream.accounts.acme.client-secret", SECRET);
        settings.put("balance-stream.accounts.acme.api-url", "http://localhost:1/pc");
        settings.put("balance-stream.accounts.acme.token-url", "http://localhost:1/token");
        return settings;
    }

    @Test
    void missingSettingStopsStartupNamingTheKey() {
        Map<String, String> settings = settings(LocalKafkaBroker.freePort());
        settings.remove("balance-stream.accounts.acme.client-id");
        settings.put("balance-stream.accounts.other.tenant-id", "other");
        settings.put("balance-stream.accounts.other.client-id", "other-client");
        settings.put("balance-stream.accounts.other.client-secret", SECRET + "-other");
        assertRefusesToStart(settings, "missing-setting.log", "balance-stream.accounts.acme.client-id");
    }

    @Test
    void anAccountEnvironmentVariablesCannotNameStopsStartupNamingTheVariables() {
        Map<String, String> environment = Map.of(
                "BALANCE_STREAM_ACCOUNTS_CONTOSO_CN_TENANT_ID", "contoso-cn-tenant",
                "BALANCE_STREAM_ACCOUNTS_CONTOSO_CN_CLIENT_ID", "contoso-cn-client",
                "BALANCE_STREAM_ACCOUNTS_CONTOSO_CN_CLIENT_SECRET", SECRET + "-cn",
                "BALANCE_STREAM_ACCOUNTS_CONTOSO_CN_CLOUD", "china");
        try (ServiceProcess service = new ServiceProcess(settings(LocalKafkaBroker.freePort()), environment,
                Path.of("target", "packaged-it", "env-dashed-id.log")).start()) {
            assertThat(service.waitForExit(60)).as("the service must not start without the account").isTrue();
            assertThat(service.exitValue()).isNotZero();
            assertThat(service.log()).contains("BALANCE_STREAM_ACCOUNTS_CONTOSO_CN_TENANT_ID",
                    "BALANCE_STREAM_ACCOUNTS_CONTOSO_CN_CLIENT_SECRET").doesNotContain(SECRET);
        }
    }

    @Test
    void anAccountDeclaredInPropertiesTakesItsSecretFromTheEnvironment() {
        Map<String, String> settings = settings(LocalKafkaBroker.freePort());
        settings.put("balance-stream.accounts.contoso-cn.tenant-id", "contoso-cn-tenant");
        settings.put("balance-stream.accounts.contoso-cn.client-id", "contoso-cn-client");
        settings.put("balance-stream.accounts.contoso-cn.api-url", "http://localhost:1/pc");
        settings.put("balance-stream.accounts.contoso-cn.token-url", "http://localhost:1/token");
        Map<String, String> environment = Map.of("BALANCE_STREAM_ACCOUNTS_CONTOSO_CN_CLIENT_SECRET", SECRET + "-cn");
        try (ServiceProcess service = new ServiceProcess(settings, environment,
                Path.of("target", "packaged-it", "env-secret.log")).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> service.log().contains("Watching"));
            assertThat(service.log()).contains("Watching 2 partner account(s) [acme, contoso-cn]")
                    .doesNotContain(SECRET);
        }
    }

    private static void assertRefusesToStart(Map<String, String> settings, String log, String... namedKeys) {
        try (ServiceProcess service = new ServiceProcess(settings, Path.of("target", "packaged-it", log)).start()) {
            assertThat(service.waitForExit(60)).as("the service must not start").isTrue();
            assertThat(service.exitValue()).isNotZero();
            assertThat(service.log()).contains(namedKeys).doesNotContain(SECRET);
        }
    }

    @Test
    void productionBuildHasNoSimulator() throws Exception {
        int port = LocalKafkaBroker.freePort();
        try (ServiceProcess service = new ServiceProcess(settings(port), Path.of("target", "packaged-it",
                "no-simulator.log")).start()) {
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> get(http, port, "/").statusCode() > 0);
            assertThat(get(http, port, "/simulator/acme-tenant/v1/invoices/summary").statusCode()).isEqualTo(404);
            assertThat(get(http, port, "/simulator/acme-tenant/control/stats").statusCode()).isEqualTo(404);
            assertThat(service.log()).doesNotContain("Starting a local Apache Kafka broker").doesNotContain(SECRET);
        }
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
