package io.balancestream.webhook;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.balancestream.partnercenter.PartnerCenterJson;

/**
 * The body of a Partner Center callback, {@code {EventName, ResourceUri, ResourceName, AuditUri,
 * ResourceChangeUtcDate}}. Field names arrive in several casings (EventName, eventName): read case-insensitively.
 */
record CallbackEvent(String eventName, String resourceUri, String resourceChangeUtcDate) {

    static final String INVOICE_READY = "invoice-ready";
    static final String TEST_CREATED = "test-created";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** @throws IllegalArgumentException when the body is not a JSON object with an event name */
    static CallbackEvent parse(byte[] body) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the body is not a JSON object");
        }
        String eventName = text(root, "EventName");
        if (eventName == null || eventName.isBlank()) {
            throw new IllegalArgumentException("the body names no EventName");
        }
        return new CallbackEvent(eventName.strip(), text(root, "ResourceUri"), text(root, "ResourceChangeUtcDate"));
    }

    boolean is(String name) {
        return name.equalsIgnoreCase(eventName);
    }

    private static String text(JsonNode object, String name) {
        JsonNode value = PartnerCenterJson.field(object, name);
        return value != null && value.isValueNode() && !value.isNull() ? value.asText() : null;
    }
}
