package io.balancestream.poller;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.balancestream.config.BalanceStreamConfig;
import io.balancestream.state.Baselines;

/**
 * Ready when the baselines are recovered from Kafka and no account has been failing for longer than
 * {@code balance-stream.health.failure-grace-period}. The response names each account and its last result,
 * never a secret. (Kafka's own readiness comes from SmallRye Reactive Messaging's channel checks.)
 */
@Readiness
@ApplicationScoped
public class AccountsReadinessCheck implements HealthCheck {

    private final PollingScheduler scheduler;
    private final Baselines baselines;
    private final Duration gracePeriod;
    private final boolean pollingEnabled;
    private final Clock clock = Clock.systemUTC();
    private final Instant startedAt = clock.instant();

    AccountsReadinessCheck(PollingScheduler scheduler, Baselines baselines, BalanceStreamConfig config) {
        this.scheduler = scheduler;
        this.baselines = baselines;
        this.gracePeriod = config.health().failureGracePeriod();
        this.pollingEnabled = config.pollingEnabled();
    }

    @Override
    public HealthCheckResponse call() {
        Instant now = clock.instant();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("partner-center-accounts").up();
        if (pollingEnabled && !baselines.isRecovered()) {
            response.down().withData("baselines", "not yet recovered from Kafka");
        }
        for (AccountStatus status : scheduler.statuses().values()) {
            Instant troubleSince = status.failingSince() != null ? status.failingSince()
                    : status.lastSuccess() == null ? startedAt : null;
            boolean failing = troubleSince != null && Duration.between(troubleSince, now).compareTo(gracePeriod) > 0;
            String result = status.lastResult() == null ? "not polled yet" : status.lastResult();
            if (failing) {
                response.down().withData(status.accountId(), "failing since " + troubleSince + ": " + result);
            } else {
                response.withData(status.accountId(), status.lastSuccess() == null ? result
                        : result + ", last success " + status.lastSuccess());
            }
        }
        return response.build();
    }
}
