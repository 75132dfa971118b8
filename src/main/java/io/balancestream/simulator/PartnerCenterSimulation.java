package io.balancestream.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.arc.profile.IfBuildProfile;

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
