package io.balancestream.observability;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;

/**
 * The tracer of the service's own spans (a poll, a Kafka send): a no-op one while tracing is off. Quarkus' SDK with
 * {@code quarkus.otel.sdk.disabled=true} still records every span, only to drop it; a no-op span lets a poll skip
 * its trace context altogether.
 */
@ApplicationScoped
public class Tracing {

    private final Tracer tracer;

    @Inject
    Tracing(Tracer tracer, @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean off) {
        this.tracer = off ? TracerProvider.noop().get("balance-stream") : tracer;
    }

    public Tracer tracer() {
        return tracer;
    }
}
