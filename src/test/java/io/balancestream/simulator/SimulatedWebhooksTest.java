package io.balancestream.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class SimulatedWebhooksTest {

    private static final String CERTIFICATE_URL = "https://localhost:8443/simulator/webhook/signer.pem";

    @TempDir
    Path directory;

    /**
     * Dev mode's live reload starts a new application but keeps the HTTP server, so the service does not register
     * again: Partner Center's registration has to outlive the reload, as it outlives any restart of the service.
     */
    @Test
    void aRegistrationOutlivesALiveReload() {
        SimulatedWebhooks before = new SimulatedWebhooks(CERTIFICATE_URL);
        ObjectNode registration = new ObjectMapper().createObjectNode()
                .put("WebhookUrl", "http://localhost:8080/partner-center/webhooks/contoso");
        registration.putArray("WebhookEvents").add("invoice-ready");
        before.register("contoso", registration);
        before.saveTo(new DevModeState(directory));

        SimulatedWebhooks after = new SimulatedWebhooks(CERTIFICATE_URL);
        after.restoreFrom(new DevModeState(directory));

        assertThat(after.callbackUrl("contoso"))
                .contains(URI.create("http://localhost:8080/partner-center/webhooks/contoso"));
        assertThat(after.registration("contoso")).get().satisfies(restored -> {
            assertThat(restored.get("WebhookEvents").get(0).asText()).isEqualTo("invoice-ready");
            assertThat(restored.get("SubscriberId").asText()).isNotBlank();
        });
        assertThat(after.callbackUrl("fabrikam")).isEmpty();
    }

    @Test
    void aDamagedFileStartsWithoutRegistrations() throws Exception {
        Files.writeString(directory.resolve("webhooks.json"), "{\"contoso\": ");

        SimulatedWebhooks after = new SimulatedWebhooks(CERTIFICATE_URL);
        after.restoreFrom(new DevModeState(directory));

        assertThat(after.callbackUrl("contoso")).isEmpty();
    }
}
