package io.balancestream.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/** All simulated tenants. Every tenant starts with the sample response of Microsoft's documentation. */
@ApplicationScoped
@IfBuildProfile(anyOf = { "dev", "test", "simulator" })
public class PartnerCenterSimulation {

    private static final String SAMPLE = "/simulator/invoice-summary-sample.json";
    /** Three currencies (GBP, CHF, EUR), shaped like the documentation's InvoiceSummaries sample. */
    private static final String SAMPLE_PER_CURRENCY = "/simulator/invoice-summaries-sample.json";

    private final ObjectMapper json = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();
    private final String sampleBody = readSample(SAMPLE);
    private final String samplePerCurrency = readSample(SAMPLE_PER_CURRENCY);
    private final Map<String, SimulatedTenant> tenants = new ConcurrentHashMap<>();

    /**
     * Dev mode's live reload starts a new application: the summaries served so far are carried over, or every reload
     * would serve the sample again and the service would publish a change back to it.
     */
    private static final String DEV_STATE = "tenants.json";

    /** {@code simulator.consented-refresh-token.<tenant>}: a refresh token the tenant accepts from the start. */
    private static final String CONSENT_PREFIX = "simulator.consented-refresh-token.";

    void restore(@Observes StartupEvent startup) {
        DevModeState.ofDevMode().flatMap(state -> state.<Map<String, SavedTenant>> restore(DEV_STATE, json,
                json.getTypeFactory().constructMapType(Map.class, String.class, SavedTenant.class)))
                .ifPresent(saved -> saved.forEach((tenant, state) -> {
                    SimulatedTenant simulated = new SimulatedTenant(state.summary(), state.summaries());
                    if (state.refreshTokens() != null) {
                        state.refreshTokens().forEach(simulated::acceptRefreshToken);
                    }
                    tenants.put(tenant, simulated);
                }));
        seedConsents();
    }

    /** Dev mode's App+User account needs a consent the tenant knows of before the first token request. */
    private void seedConsents() {
        Config config = ConfigProvider.getConfig();
        for (String name : config.getPropertyNames()) {
            String key = name.startsWith("%") ? name.substring(name.indexOf('.') + 1) : name;
            if (key.startsWith(CONSENT_PREFIX)) {
                config.getOptionalValue(key, String.class).ifPresent(token -> tenant(key.substring(
                        CONSENT_PREFIX.length())).acceptRefreshToken(token));
            }
        }
    }

    void save(@Observes ShutdownEvent shutdown) {
        DevModeState.ofDevMode().ifPresent(state -> {
            Map<String, SavedTenant> summaries = new java.util.TreeMap<>();
            tenants.forEach((tenant, simulated) -> summaries.put(tenant, new SavedTenant(simulated.summaryBody(),
                    simulated.summariesBody(), simulated.refreshTokens())));
            state.save(DEV_STATE, json, summaries);
        });
    }

    /**
     * What dev mode carries over a reload per tenant; the refresh tokens too, since the service continues from the
     * newest one it stored.
     */
    record SavedTenant(String summary, String summaries, java.util.Set<String> refreshTokens) {
    }

    SimulatedTenant tenant(String tenantId) {
        return tenants.computeIfAbsent(tenantId, id -> new SimulatedTenant(sampleBody, samplePerCurrency));
    }

    void reset(String tenantId) {
        tenants.remove(tenantId);
    }

    /** Sets the total balance and, so that the summary stays consistent, keeps the invoice types as they are. */
    void setBalance(String tenantId, BigDecimal balanceAmount) {
        SimulatedTenant tenant = tenant(tenantId);
        ObjectNode summary = object(tenant.summaryBody(), "the served summary of " + tenantId);
        summary.put("balanceAmount", balanceAmount);
        tenant.summaryBody(write(summary));
    }

    /**
     * Sets one currency's total balance in the per-currency summaries (invoice types kept as they are); a currency
     * the tenant has no summary in gets one, shaped like the first summary.
     *
     * @return true when the currency was added
     */
    boolean setCurrencyBalance(String tenantId, String currency, BigDecimal balanceAmount) {
        SimulatedTenant tenant = tenant(tenantId);
        synchronized (tenant) {
            ObjectNode summaries = object(tenant.summariesBody(), "the served summaries of " + tenantId);
            ArrayNode items = summaries.withArray("items");
            int at = indexOf(items, currency);
            boolean added = at < 0;
            ObjectNode item;
            if (added) {
                item = items.isEmpty() ? object(sampleBody, "the summary sample") : items.get(0).deepCopy();
                setCurrency(item, currency.toUpperCase(java.util.Locale.ROOT));
                items.add(item);
            } else {
                item = (ObjectNode) items.get(at);
            }
            item.put("balanceAmount", balanceAmount);
            summaries.put("totalCount", items.size());
            tenant.summariesBody(write(summaries));
            return added;
        }
    }

    /** @return false when the tenant had no summary in that currency */
    boolean removeCurrency(String tenantId, String currency) {
        SimulatedTenant tenant = tenant(tenantId);
        synchronized (tenant) {
            ObjectNode summaries = object(tenant.summariesBody(), "the served summaries of " + tenantId);
            ArrayNode items = summaries.withArray("items");
            int at = indexOf(items, currency);
            if (at < 0) {
                return false;
            }
            items.remove(at);
            summaries.put("totalCount", items.size());
            tenant.summariesBody(write(summaries));
            return true;
        }
    }

    /** The position of the summary in {@code currency}, or -1. */
    private static int indexOf(ArrayNode items, String currency) {
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) instanceof ObjectNode summary
                    && currency.equalsIgnoreCase(summary.path("currencyCode").asText())) {
                return i;
            }
        }
        return -1;
    }

    /** The currency of a summary and of its invoice types; the symbol is the code (the simulator knows no symbols). */
    private static void setCurrency(ObjectNode summary, String currency) {
        summary.put("currencyCode", currency).put("currencySymbol", currency);
        for (var detail : summary.withArray("details")) {
            if (detail.get("summary") instanceof ObjectNode typeSummary) {
                typeSummary.put("currencyCode", currency).put("currencySymbol", currency);
            }
        }
    }

    /** @param what names the body in the error when it is not a JSON object */
    private ObjectNode object(String body, String what) {
        try {
            if (json.readTree(body) instanceof ObjectNode object) {
                return object;
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(what + " is not a JSON object", e);
        }
        throw new IllegalStateException(what + " is not a JSON object");
    }

    private String write(ObjectNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readSample(String resource) {
        try (InputStream in = PartnerCenterSimulation.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
