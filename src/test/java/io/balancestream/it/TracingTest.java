package io.balancestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.balancestream.observability.TraceAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/** One span per poll, the Partner Center call and the Kafka send under it, the trace context in the event. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class TracingTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    InMemorySpanExporter spans;

    @Test
    void aPollThatPublishesIsOneTraceFromRestCallToKafkaHeader() {
        String amount = "4242.42";
        Simulator.setBalance("contoso", amount);
        EventTopic.Event published = await().atMost(TIMEOUT).until(() -> EventTopic.readAll().stream()
                .filter(e -> "contoso".equals(e.key()))
                .filter(e -> e.value().getCurrent().getBalanceAmount().compareTo(new java.math.BigDecimal(amount)) == 0)
                .findFirst(), Optional::isPresent).orElseThrow();
        String traceparent = published.headers().get("traceparent");
        assertThat(traceparent).as("trace context in the Kafka headers").isNotNull();
        String traceId = traceparent.split("-")[1];

        SpanData poll = await().atMost(TIMEOUT).until(() -> spans.getFinishedSpanItems().stream()
                .filter(span -> span.getTraceId().equals(traceId) && span.getName().equals("poll contoso"))
                .findFirst(), Optional::isPresent).orElseThrow();
        assertThat(poll.getParentSpanId()).as("every poll is a trace of its own")
                .isEqualTo(io.opentelemetry.api.trace.SpanId.getInvalid());
        assertThat(poll.getAttributes().get(AttributeKey.stringKey(TraceAttributes.ACCOUNT))).isEqualTo("contoso");
        assertThat(poll.getAttributes().get(AttributeKey.stringKey(TraceAttributes.CORRELATION_ID)))
                .isEqualTo(published.value().getCorrelationId());
        assertThat(poll.getAttributes().get(AttributeKey.stringKey(TraceAttributes.REQUEST_ID)))
                .isEqualTo(published.value().getRequestId());
        assertThat(poll.getAttributes().get(AttributeKey.stringKey(TraceAttributes.OUTCOME))).isEqualTo("published");

        List<SpanData> children = await().atMost(TIMEOUT).until(() -> spans.getFinishedSpanItems().stream()
                .filter(span -> span.getParentSpanId().equals(poll.getSpanId())).toList(),
                list -> list.stream().anyMatch(s -> s.getKind() == SpanKind.CLIENT)
                        && list.stream().anyMatch(s -> s.getKind() == SpanKind.PRODUCER));
        assertThat(children).anySatisfy(span -> assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT));
        assertThat(children).anySatisfy(span -> {
            assertThat(span.getKind()).isEqualTo(SpanKind.PRODUCER);
            assertThat(span.getName()).contains(EventTopic.name());
        });
        assertThat(UUID.fromString(poll.getAttributes().get(AttributeKey.stringKey(TraceAttributes.CORRELATION_ID))))
                .isNotNull();
    }

    /**
     * The trace above holds together without Mutiny capturing thread contexts at every step (the poll hands its
     * context on itself): a context type added by a new dependency would bring the per-step capture back.
     */
    @Test
    void mutinyStepsRunAsWrittenWithoutCapturedThreadContexts() {
        Function<String, String> step = String::strip;
        assertThat(Infrastructure.decorate(step)).isSameAs(step);
    }
}
