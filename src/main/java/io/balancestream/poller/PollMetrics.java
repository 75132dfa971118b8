package io.balancestream.poller;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.balancestream.events.BalanceChanged;
import io.balancestream.events.ChangeKind;
import io.balancestream.ownership.GroupMembership;
import io.balancestream.partnercenter.PartnerCenterClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The service's metrics (Micrometer, exposed at /q/metrics in Prometheus format), all tagged by account. */
@ApplicationScoped
public class PollMetrics {

    private final MeterRegistry registry;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, AtomicReference<BigDecimal>> balances = new ConcurrentHashMap<>();
    /** The meters of each owned account, removed when the account moves to another instance. */
    private final Map<String, List<Meter>> accountMeters = new ConcurrentHashMap<>();

    PollMetrics(MeterRegistry registry, GroupMembership membership) {
        this.registry = registry;
        Gauge.builder("balance_stream_owned_partitions", membership, m -> m.ownedPartitions().size())
                .description("Partitions of the state topic (and so accounts) this instance owns").register(registry);
    }

    void registerAccount(AccountStatus status, PartnerCenterClient client, IntSupplier unpublishedChanges) {
        String account = status.accountId();
        List<Meter> meters = new ArrayList<>();
        meters.add(Gauge.builder("balance_stream_account_owned", () -> 1)
                .description("1 for every account this instance owns and polls, with its partition")
                .tags("account", account, "partition", Integer.toString(status.partition())).register(registry));
        meters.add(FunctionCounter.builder("balance_stream_token_renewals", client, PartnerCenterClient::tokenRenewals)
                .description("Access tokens obtained from Entra ID").tag("account", account).register(registry));
        meters.add(Gauge.builder("balance_stream_last_success_age_seconds", status, s -> lastSuccessAge(s.lastSuccess()))
                .description("Seconds since the last successful poll (NaN before the first)").tag("account", account)
                .register(registry));
        meters.add(Gauge.builder("balance_stream_unpublished_changes", unpublishedChanges, IntSupplier::getAsInt)
                .description("Changes detected and waiting for Kafka").tag("account", account)
                .strongReference(true).register(registry));
        List<Meter> previous = accountMeters.put(account, meters);
        if (previous != null) {
            previous.stream().filter(meter -> !meters.contains(meter)).forEach(registry::remove);
        }
    }

    private final Map<String, Map<String, Counter>> polls = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Counter>> failures = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Timer>> pollDurations = new ConcurrentHashMap<>();

    /** The account moved to another instance: its gauges stop here (counters keep their totals). */
    void unregisterAccount(String account) {
        List<Meter> meters = accountMeters.remove(account);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }

    void recordPoll(String account, PollOutcome outcome, Duration duration) {
        String result = outcome.succeeded() ? outcome.result() : "failed";
        meter(polls, account, result, () -> Counter.builder("balance_stream_polls")
                .description("Polls by account and outcome").tags("account", account, "outcome", result)
                .register(registry)).increment();
        if (!outcome.succeeded()) {
            meter(failures, account, outcome.result(), () -> Counter.builder("balance_stream_poll_failures")
                    .description("Failed polls by cause").tags("account", account, "cause", outcome.result())
                    .register(registry)).increment();
        }
        meter(pollDurations, account, "", () -> Timer.builder("balance_stream_poll_duration")
                .description("Duration of a poll, retries and publishing included").tag("account", account)
                .publishPercentileHistogram().register(registry)).record(duration);
    }

    /**
     * The meter of an account and label, registered once: a poll records into it without building a meter id
     * (a poll's own cost is a few microseconds, the registry lookup was a good part of it).
     */
    private static <M> M meter(Map<String, Map<String, M>> meters, String account, String label,
            java.util.function.Supplier<M> register) {
        return meters.computeIfAbsent(account, ignored -> new ConcurrentHashMap<>())
                .computeIfAbsent(label, ignored -> register.get());
    }

    void recordPublished(BalanceChanged event, Duration duration) {
        String account = event.getAccountId();
        event.getChanges().forEach(kind -> Counter.builder("balance_stream_events_published")
                .description("Events acknowledged by Kafka, by change kind")
                .tags("account", account, "change", kind.name()).register(registry).increment());
        Timer.builder("balance_stream_publish_duration").description("Time from send to Kafka's acknowledgement")
                .tag("account", account).publishPercentileHistogram().register(registry).record(duration);
        AtomicReference<BigDecimal> balance = balances.computeIfAbsent(account + "/"
                + event.getCurrent().getCurrencyCode(), key -> {
                    AtomicReference<BigDecimal> holder = new AtomicReference<>();
                    Gauge.builder("balance_stream_balance", holder, h -> h.get() == null ? Double.NaN
                            : h.get().doubleValue())
                            .description("Last published total balance (a float for dashboards; events carry exact"
                                    + " decimals); NaN once the currency disappeared")
                            .tags("account", account, "currency", event.getCurrent().getCurrencyCode())
                            .register(registry);
                    return holder;
                });
        // A currency that disappeared has no balance any more; a dashboard must not keep showing its last one.
        balance.set(event.getChanges().contains(ChangeKind.CURRENCY_REMOVED) ? null
                : event.getCurrent().getBalanceAmount());
    }

    private double lastSuccessAge(Instant lastSuccess) {
        return lastSuccess == null ? Double.NaN : Duration.between(lastSuccess, clock.instant()).toMillis() / 1000.0;
    }
}
