package io.balancestream.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class SecretRedactingFilterTest {

    private final SecretRedactingFilter filter = new SecretRedactingFilter(List.of("p@ss-w0rd~x"));

    @Test
    void masksConfiguredSecretsAnywhere() {
        assertThat(filter.redact("failed with p@ss-w0rd~x in it")).isEqualTo("failed with *** in it");
    }

    @Test
    void masksCredentialShapedValues() {
        assertThat(filter.redact("params: grant_type=client_credentials\nclient_secret=other-secret\nscope=x"))
                .isEqualTo("params: grant_type=client_credentials\nclient_secret=***\nscope=x");
        assertThat(filter.redact("Authorization: Bearer eyJ0eXAi.eyJhdWQi.sig-_=")).isEqualTo("Authorization: Bearer ***");
        assertThat(filter.redact("{\"token_type\":\"Bearer\",\"access_token\":\"abc.def\"}"))
                .isEqualTo("{\"token_type\":\"Bearer\",\"access_token\":\"***\"}");
    }

    @Test
    void masksSecretsInAnAttachedExceptionAndItsCauses() {
        IllegalStateException thrown = new IllegalStateException("token request failed",
                new java.io.IOException("body was client_secret=p@ss-w0rd~x&grant_type=x",
                        new RuntimeException("echo p@ss-w0rd~x")));
        org.jboss.logmanager.ExtLogRecord record = new org.jboss.logmanager.ExtLogRecord(
                org.jboss.logmanager.Level.ERROR, "poll failed", "test");
        record.setThrown(thrown);

        assertThat(filter.isLoggable(record)).isTrue();

        String printed = new org.jboss.logmanager.formatters.PatternFormatter("%s%e").format(record);
        assertThat(printed).doesNotContain("p@ss-w0rd~x")
                .contains("java.lang.IllegalStateException: token request failed")
                .contains("java.io.IOException: body was client_secret=***&grant_type=x")
                .contains("java.lang.RuntimeException: echo ***")
                .contains("SecretRedactingFilterTest");
    }

    @Test
    void leavesAnExceptionWithoutSecretsAsItIs() {
        IllegalStateException thrown = new IllegalStateException("Kafka is unreachable");
        org.jboss.logmanager.ExtLogRecord record = new org.jboss.logmanager.ExtLogRecord(
                org.jboss.logmanager.Level.ERROR, "poll failed", "test");
        record.setThrown(thrown);

        filter.isLoggable(record);

        assertThat(record.getThrown()).isSameAs(thrown);
    }

    @Test
    void leavesOrdinaryLinesAlone() {
        String line = "Published event 2 of account contoso: [BALANCE] (correlation c, request r)";
        assertThat(filter.redact(line)).isEqualTo(line);
    }
}
