package io.balancestream.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/** All simulated tenants. Every tenant starts with the sample response of Microsoft's documentation. */
@ApplicationScoped
@IfBuildProfile(anyOf = { "dev", "test", "simulator" })
public class PartnerCenterSimulation {

    private static final String SAMPLE = "/simulator/invoice-summary-sample.json";

    private final ObjectMapper json = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();
    private final String sampleBody = readSample();
    private final Map<String, SimulatedTenant> tenants = new ConcurrentHashMap<>();

    /**
     * Dev mode's live reload starts a new application: the summaries served so far are carried over in a file, or
     * every reload would serve the sample again and the service would publish a change back to it.
     */
    private static final Path DEV_STATE = Path.of("target", "simulator", "summaries.json");

    void restore(@Observes StartupEvent startup) {
        if (LaunchMode.current() != LaunchMode.DEVELOPMENT || !Files.isRegularFile(DEV_STATE)) {
            return;
        }
        try {
            Map<String, String> saved = json.readValue(Files.readString(DEV_STATE),
                    json.getTypeFactory().constructMapType(Map.class, String.class, String.class));
            saved.forEach((tenant, body) -> tenants.put(tenant, new SimulatedTenant(body)));
        } catch (IOException e) {
            // a damaged file: start from the sample, as on a first start
        }
    }

    void save(@Observes ShutdownEvent shutdown) {
        if (LaunchMode.current() != LaunchMode.DEVELOPMENT) {
            return;
        }
        Map<String, String> summaries = new java.util.TreeMap<>();
        tenants.forEach((tenant, simulated) -> summaries.put(tenant, simulated.summaryBody()));
        try {
            Files.createDirectories(DEV_STATE.getParent());
            Files.writeString(DEV_STATE, json.writeValueAsString(summaries));
        } catch (IOException e) {
            // losing it only means the next reload serves the sample again
        }
    }

    SimulatedTenant tenant(String tenantId) {
        return tenants.computeIfAbsent(tenantId, id -> new SimulatedTenant(sampleBody));
    }

    void reset(String tenantId) {
        tenants.remove(tenantId);
    }

    /** Sets the total balance and, so that the summary stays consistent, keeps the invoice types as they are. */
    void setBalance(String tenantId, BigDecimal balanceAmount) {
        SimulatedTenant tenant = tenant(tenantId);
        try {
            ObjectNode summary = (ObjectNode) json.readTree(tenant.summaryBody());
            summary.put("balanceAmount", balanceAmount);
            tenant.summaryBody(json.writeValueAsString(summary));
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("the served summary of " + tenantId + " is not a JSON object", e);
        }
    }

    private static String readSample() {
        try (InputStream in = PartnerCenterSimulation.class.getResourceAsStream(SAMPLE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
