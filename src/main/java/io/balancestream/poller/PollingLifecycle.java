package io.balancestream.poller;

import java.time.Duration;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.balancestream.config.BalanceStreamConfig;
import io.balancestream.config.PartnerAccounts;
import io.balancestream.config.SettingsValidator;
import io.balancestream.kafka.KafkaClients;
import io.balancestream.kafka.TopicSetup;
import io.balancestream.ownership.GroupMembership;
import io.balancestream.publish.TransactionalPublisher;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * Starts and stops polling: at startup it checks the settings, readies the publisher, checks the topics (waiting for
 * Kafka as long as it takes, but stopping the service on a topic that is unsafe to use) and joins the consumer group,
 * whose assignments then start the accounts ({@link PollingScheduler}). At shutdown it stops in an order that is
 * bounded whatever Kafka does.
 */
@ApplicationScoped
public class PollingLifecycle {

    private static final Logger LOG = Logger.getLogger(PollingLifecycle.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final PartnerAccounts accounts;
    private final KafkaClients kafka;
    private final TopicSetup topics;
    private final GroupMembership membership;
    private final TransactionalPublisher publisher;
    private final PollingScheduler scheduler;
    private final BalanceStreamConfig config;
    private volatile Cancellable setup;

    @Inject
    PollingLifecycle(PartnerAccounts accounts, KafkaClients kafka, TopicSetup topics, GroupMembership membership,
            TransactionalPublisher publisher, PollingScheduler scheduler, BalanceStreamConfig config) {
        this.accounts = accounts;
        this.kafka = kafka;
        this.topics = topics;
        this.membership = membership;
        this.publisher = publisher;
        this.scheduler = scheduler;
        this.config = config;
    }

    void start(@Observes StartupEvent startup) {
        if (!config.pollingEnabled()) {
            LOG.warn("balance-stream.polling-enabled is false: no account is polled");
            return;
        }
        SettingsValidator.check(config);
        kafka.requireBootstrapServers();
        scheduler.starting();
        // Kafka's transaction coordinator is readied while the topics are checked and the group is joined, so the
        // first event does not wait for it.
        publisher.start();
        LOG.infof("Watching %d partner account(s) %s every %s, publishing to %s; accounts are shared by consumer "
                + "group %s", accounts.all().size(), accounts.ids(), config.pollInterval(), config.kafka().topic(),
                config.kafka().groupId());
        setup = Uni.createFrom().item(() -> {
            try {
                topics.ensureTopics(!accounts.withWebhook().isEmpty(), Set.copyOf(accounts.ids()));
                return true;
            } catch (RuntimeException e) {
                if (!scheduler.running()) {
                    return false; // cut short by stop(): nothing to report
                }
                throw e;
            }
        })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure(e -> !(e instanceof TopicSetup.UnsafeTopicException)).invoke(e -> LOG.warnf(
                        "Cannot check the Kafka topics yet, polling waits for Kafka: %s", e.toString()))
                .onFailure(e -> !(e instanceof TopicSetup.UnsafeTopicException) && scheduler.running()).retry()
                .withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(30)).indefinitely()
                .subscribe().with(ready -> {
                    if (ready && scheduler.running()) {
                        membership.start(scheduler);
                    }
                }, failure -> {
                    if (scheduler.running()) {
                        LOG.error(failure.getMessage());
                        Quarkus.asyncExit(1);
                    }
                });
    }

    /**
     * Bounded in every state, Kafka unreachable included (Kubernetes allows 30 s): the topic check is cut short,
     * the publisher stops (an open transaction aborts or times out in Kafka), then the instance leaves the group.
     */
    void stop(@Observes ShutdownEvent shutdown) {
        scheduler.stopping();
        if (setup != null) {
            setup.cancel();
        }
        topics.abort();
        publisher.stop();
        membership.stop(STOP_TIMEOUT);
        scheduler.stopAll();
    }
}
