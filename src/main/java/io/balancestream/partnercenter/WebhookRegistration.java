package io.balancestream.partnercenter;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.balancestream.config.PartnerAccount;
import io.smallrye.mutiny.Uni;

/**
 * Keeps one account's Partner Center webhook registration pointing at the service: read it, then create it or
 * replace it so that it has the service's URL and the events the service needs, keeping any other event someone
 * registered. Field names are read in any casing, written as Microsoft documents them.
 */
public final class WebhookRegistration {

    /** The events the service acts on. */
    public static final List<String> EVENTS = List.of("invoice-ready", "test-created");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PartnerAccount account;
    private final WebhookRegistrationApi api;
    private final AccessTokenProvider tokens;

    WebhookRegistration(PartnerAccount account, WebhookRegistrationApi api, AccessTokenProvider tokens) {
        this.account = account;
        this.api = api;
        this.tokens = tokens;
    }

    /** What {@link #ensure(URI)} found and did, for the log. */
    public enum Result {
        UNCHANGED, CREATED, UPDATED
    }

    /** @return fails with a {@link PartnerCenterException} naming the account and Partner Center's answer */
    public Uni<Result> ensure(URI callbackUrl) {
        return call(authorization -> api.read(authorization, newId(), newId())).chain(read -> {
            if (read.getStatus() == 404) {
                return call(authorization -> api.create(authorization, newId(), newId(),
                        body(callbackUrl, EVENTS))).map(created -> expect(created, "create", Result.CREATED));
            }
            JsonNode existing = json(expect(read, "read", read.getEntity()));
            Set<String> events = new LinkedHashSet<>(textArray(PartnerCenterJson.field(existing, "WebhookEvents")));
            boolean complete = events.containsAll(EVENTS);
            events.addAll(EVENTS);
            JsonNode url = PartnerCenterJson.field(existing, "WebhookUrl");
            if (complete && url != null && callbackUrl.toString().equals(url.asText())) {
                return Uni.createFrom().item(Result.UNCHANGED);
            }
            return call(authorization -> api.replace(authorization, newId(), newId(),
                    body(callbackUrl, List.copyOf(events)))).map(replaced -> expect(replaced, "update", Result.UPDATED));
        });
    }

    /** Asks Partner Center to send a test-created callback; returns the correlation id to look it up by. */
    public Uni<String> requestValidationEvent() {
        return call(authorization -> api.requestValidationEvent(authorization, newId(), newId()))
                .map(response -> {
                    JsonNode answer = json(expect(response, "request a validation event for", response.getEntity()));
                    JsonNode correlation = PartnerCenterJson.field(answer, "correlationId");
                    return correlation == null ? "" : correlation.asText();
                });
    }

    private Uni<RestResponse<String>> call(Function<String, Uni<RestResponse<String>>> request) {
        return tokens.accessToken().chain(token -> request.apply("Bearer " + token))
                .onFailure(failure -> !(failure instanceof PartnerCenterException))
                .transform(failure -> new PartnerCenterException(PartnerCenterException.Reason.CONNECTION,
                        "webhook registration of account " + account.accountId() + " got no answer from "
                                + account.apiUrl() + ": " + failure.getClass().getSimpleName(), null));
    }

    private <T> T expect(RestResponse<String> response, String action, T result) {
        int status = response.getStatus();
        if (status / 100 != 2) {
            String body = status >= 400 && response.hasEntity() ? readLeniently(response) : "";
            throw new PartnerCenterException(status >= 500 ? PartnerCenterException.Reason.SERVER_ERROR
                    : PartnerCenterException.Reason.REJECTED, "Partner Center refused to " + action
                            + " the webhook registration of account " + account.accountId() + ": HTTP " + status
                            + (body.isBlank() ? "" : " " + body.replaceAll("\\s+", " ").strip()), null);
        }
        return result;
    }

    private static String readLeniently(RestResponse<String> response) {
        try {
            String body = response.readEntity(String.class);
            return body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "..." : body;
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static String body(URI callbackUrl, List<String> events) {
        ObjectNode registration = JSON.createObjectNode();
        registration.put("WebhookUrl", callbackUrl.toString());
        events.forEach(registration.putArray("WebhookEvents")::add);
        return registration.toString();
    }

    private JsonNode json(String body) {
        try {
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new PartnerCenterException(PartnerCenterException.Reason.REJECTED, "Partner Center's webhook "
                    + "registration of account " + account.accountId() + " is not JSON", null);
        }
    }

    private static List<String> textArray(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(value -> values.add(value.asText()));
        }
        return values;
    }

    private static String newId() {
        return RequestIds.next();
    }
}
