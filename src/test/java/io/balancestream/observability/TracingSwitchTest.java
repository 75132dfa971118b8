package io.balancestream.observability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.trace.SdkTracerProvider;

/** Tracing off means no span at all, not a recorded span nobody exports. */
class TracingSwitchTest {

    private final Tracer sdk = SdkTracerProvider.builder().build().get("test");

    @Test
    void withTracingOffAPollsSpanIsANoOpWithoutATraceContext() {
        Span span = new Tracing(sdk, true).tracer().spanBuilder("poll acme").startSpan();
        assertThat(span.isRecording()).isFalse();
        assertThat(span.getSpanContext().isValid()).as("no trace context to carry through the poll").isFalse();
    }

    @Test
    void withTracingOnSpansComeFromTheSdk() {
        Span span = new Tracing(sdk, false).tracer().spanBuilder("poll acme").startSpan();
        assertThat(span.isRecording()).isTrue();
        assertThat(span.getSpanContext().isValid()).isTrue();
    }
}
