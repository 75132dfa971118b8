package io.balancestream.poller;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.balancestream.balance.ChangeDetector;
import io.balancestream.balance.InvoiceSummaryParser;
import io.balancestream.config.BalanceStreamConfig;
import io.balancestream.config.PartnerAccount;
import io.balancestream.config.PartnerAccounts;
import io.balancestream.event.BalanceEventPublisher;
import io.balancestream.partnercenter.PartnerCenterClients;
import io.balancestream.state.Baselines;
import io.balancestream.state.EventLogReader;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * Starts one independent polling loop per account once the baselines are recovered from Kafka. A loop polls,
 * waits {@code poll-interval} (longer if Partner Center asked for it), and polls again: polls of one account never
 * overlap, and a slow or failing account never delays another.
 */
@ApplicationScoped
public class PollingScheduler {

    private static final Logger LOG = Logger.getLogger(PollingScheduler.class);
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(15);

    private final PartnerAccounts accounts;
    private final PartnerCenterClients clients;
    private final BalanceEventPublisher publisher;
    private final Baselines baselines;
    private final EventLogReader eventLog;
    private final BalanceStreamConfig config;
    private final PollMetrics metrics;
    private final Tracer tracer;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, AccountStatus> statuses = new LinkedHashMap<>();
    private final List<Cancellable> loops = new ArrayList<>();

    @Inject
    PollingScheduler(PartnerAccounts accounts, PartnerCenterClients clients, BalanceEventPublisher publisher,
            Baselines baselines, EventLogReader eventLog, BalanceStreamConfig config, PollMetrics metrics,
            Tracer tracer) {
        this.accounts = accounts;
        this.clients = clients;
        this.publisher = publisher;
        this.baselines = baselines;
        this.eventLog = eventLog;
        this.config = config;
        this.metrics = metrics;
        this.tracer = tracer;
        if (!config.pollingEnabled()) {
            return;
        }
        for (PartnerAccount account : accounts.all()) {
            statuses.put(account.accountId(), new AccountStatus(account.accountId(), clock));
        }
    }

    void start(@Observes StartupEvent startup) {
        if (!config.pollingEnabled()) {
            LOG.warn("balance-stream.polling-enabled is false: no account is polled");
            return;
        }
        Set<String> accountIds = statuses.keySet();
        LOG.infof("Watching %d partner account(s) %s every %s, publishing to %s", accountIds.size(), accountIds,
                config.pollInterval(), eventLog.topic());
        loops.add(recoverBaselines(accountIds)
                .subscribe().with(recovered -> accounts.all().forEach(this::startLoop)));
    }

    void stop(@Observes ShutdownEvent shutdown) {
        synchronized (loops) {
            loops.forEach(Cancellable::cancel);
            loops.clear();
        }
    }

    public Map<String, AccountStatus> statuses() {
        return statuses;
    }

    /** Kafka is the record of what was published: without it the service must not decide what is new. */
    private Uni<Void> recoverBaselines(Set<String> accountIds) {
        return Uni.createFrom().item(() -> eventLog.lastPublishedStates(accountIds, RECOVERY_TIMEOUT))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().invoke(e -> LOG.errorf("Cannot read the last published states from Kafka topic %s yet,"
                        + " polling waits for it: %s", eventLog.topic(), e.toString()))
                .onFailure().retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(30)).indefinitely()
                .invoke(baselines::recovered)
                .replaceWithVoid();
    }

    private void startLoop(PartnerAccount account) {
        AccountStatus status = statuses.get(account.accountId());
        Cancellable loop = clients.clientFor(account)
                .map(client -> {
                    AccountPoller poller = new AccountPoller(client, new InvoiceSummaryParser(), new ChangeDetector(),
                            publisher, baselines, eventLog, status, metrics, tracer, clock);
                    metrics.registerAccount(status, client, poller::unpublishedChanges);
                    return poller;
                })
                .onItem().transformToMulti(poller -> Uni.createFrom().deferred(poller::pollOnce)
                        .chain(outcome -> Uni.createFrom().voidItem().onItem().delayIt().by(nextDelay(outcome)))
                        .repeat().indefinitely())
                .subscribe().with(ignored -> {
                }, failure -> LOG.errorf(failure, "Polling loop of account %s stopped", account.accountId()));
        synchronized (loops) {
            loops.add(loop);
        }
    }

    private Duration nextDelay(PollOutcome outcome) {
        Duration interval = config.pollInterval();
        return outcome.waitAtLeast().filter(wait -> wait.compareTo(interval) > 0).orElse(interval);
    }
}
