package io.balancestream.partnercenter;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Partner Center spells the same field several ways (WebhookUrl, webhookUrl; EventName, eventName): the one way this
 * service looks a field up in its webhook JSON.
 */
public final class PartnerCenterJson {

    private PartnerCenterJson() {
    }

    /** The field of {@code object} whose name equals {@code name} ignoring case; null when there is none. */
    public static JsonNode field(JsonNode object, String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().toLowerCase(Locale.ROOT).equals(wanted)) {
                return field.getValue();
            }
        }
        return null;
    }
}
