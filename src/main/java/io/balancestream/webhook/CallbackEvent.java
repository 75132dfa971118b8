package io.balancestream.webhook;

import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
        String eventName = text(root, "eventname");
        if (eventName == null || eventName.isBlank()) {
            throw new IllegalArgumentException("the body names no EventName");
        }
        return new CallbackEvent(eventName.strip(), text(root, "resourceuri"), text(root, "resourcechangeutcdate"));
    }

    boolean is(String name) {
        return name.equalsIgnoreCase(eventName);
    }

    private static String text(JsonNode object, String lowerCaseName) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().toLowerCase(Locale.ROOT).equals(lowerCaseName)) {
                return field.getValue().isValueNode() && !field.getValue().isNull() ? field.getValue().asText() : null;
            }
        }
        return null;
    }
}
