package io.balancestream.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class CallbackEventTest {

    private static CallbackEvent parse(String json) {
        return CallbackEvent.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void fieldNamesAreReadInAnyCasing() {
        CallbackEvent pascal = parse("{\"EventName\":\"invoice-ready\",\"ResourceUri\":\"https://x/v1/invoices/G1\"}");
        CallbackEvent camel = parse("{\"eventName\":\"Invoice-Ready\",\"resourceUri\":\"https://x/v1/invoices/G1\","
                + "\"auditUrl\":null,\"extra\":{\"nested\":true}}");
        assertThat(pascal.is(CallbackEvent.INVOICE_READY)).isTrue();
        assertThat(camel.is(CallbackEvent.INVOICE_READY)).isTrue();
        assertThat(camel.resourceUri()).isEqualTo(pascal.resourceUri());
    }

    @Test
    void aBodyWithoutAnEventNameIsNotACallback() {
        assertThatThrownBy(() -> parse("{\"ResourceUri\":\"x\"}")).hasMessageContaining("EventName");
        assertThatThrownBy(() -> parse("[1]")).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> parse("not json")).hasMessageContaining("not JSON");
    }
}
