package io.balancestream.poller;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.balancestream.config.BalanceStreamConfig;
import io.balancestream.config.PartnerAccount;
import io.balancestream.config.PartnerAccounts;
import io.balancestream.config.SettingsValidator;
import io.balancestream.credentials.RefreshTokenCipher;
import io.balancestream.kafka.KafkaClients;
import io.balancestream.kafka.TopicSetup;
import io.balancestream.observability.Tracing;
import io.balancestream.ownership.AccountPartitions;
import io.balancestream.ownership.GroupMembership;
import io.balancestream.ownership.OwnershipListener;
import io.balancestream.ownership.OwnershipSnapshot;
import io.balancestream.ownership.PartitionSpread;
import io.balancestream.partnercenter.PartnerCenterClient;
import io.balancestream.partnercenter.PartnerCenterClients;
import io.balancestream.publish.TransactionalPublisher;
import io.balancestream.state.Baselines;
import io.balancestream.state.RecoveredStates;
import io.balancestream.state.StateRecovery;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;

/**
 * Runs one independent polling loop per account this instance owns. At startup it checks the topics and joins the
 * consumer group; when the group gives it partitions it recovers their accounts' states and starts their loops,
 * and when the group takes partitions away it stops their loops and waits for their last transaction before the
 * group moves on. The first polls of many accounts go out in a bounded wave ({@link FirstPollGate}). A loop polls,
 * waits {@code poll-interval} (longer if Partner Center asked for it, shorter while changes wait for Kafka), and polls
 * again: polls of one account never overlap, and a slow or failing account never delays another.
 */
@ApplicationScoped
public class PollingScheduler implements OwnershipListener {

    private static final Logger LOG = Logger.getLogger(PollingScheduler.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RELEASE_WAIT = Duration.ofSeconds(5);

    private final PartnerAccounts accounts;
    private final PartnerCenterClients clients;
    private final KafkaClients kafka;
    private final TopicSetup topics;
    private final GroupMembership membership;
    private final TransactionalPublisher publisher;
    private final StateRecovery recovery;
    private final BalanceStreamConfig config;
    private final PollingContext context;
    private final FirstPollGate firstPolls;
    private final OwnedAccounts owned;
    private volatile boolean running;
    private volatile Cancellable setup;

    @Inject
    PollingScheduler(PartnerAccounts accounts, PartnerCenterClients clients, KafkaClients kafka, TopicSetup topics,
            GroupMembership membership, TransactionalPublisher publisher, Baselines baselines, StateRecovery recovery,
            BalanceStreamConfig config, PollMetrics metrics, Tracing tracing) {
        this.accounts = accounts;
        this.clients = clients;
        this.kafka = kafka;
        this.topics = topics;
        this.membership = membership;
        this.publisher = publisher;
        this.recovery = recovery;
        this.config = config;
        this.context = new PollingContext(publisher, baselines, (accountId, timeout) -> recovery.recoverAccount(
                accountId, membership.snapshot().spread().statePartitions(), timeout), metrics, tracing.tracer(), Clock.systemUTC(),
                config.credentialsKey());
        this.firstPolls = new FirstPollGate(Math.max(1, config.firstPollConcurrency())); // checked at start
        this.owned = new OwnedAccounts(context, config.webhook().minPollInterval(), this::startLoop,
                released -> publisher.release(released, RELEASE_WAIT));
    }

    void start(@Observes StartupEvent startup) {
        if (!config.pollingEnabled()) {
            LOG.warn("balance-stream.polling-enabled is false: no account is polled");
            return;
        }
        SettingsValidator.check(config);
        kafka.requireBootstrapServers();
        running = true;
        // Kafka's transaction coordinator is readied while the topics are checked and the group is joined, so the
        // first event does not wait for it. (Account clients are built when the group assigns the account: an
        // instance builds them only for the accounts it owns.)
        publisher.start();
        LOG.infof("Watching %d partner account(s) %s every %s, publishing to %s; accounts are shared by consumer "
                + "group %s", accounts.all().size(), accounts.ids(), config.pollInterval(), config.kafka().topic(),
                config.kafka().groupId());
        setup = Uni.createFrom().item(() -> {
            try {
                topics.ensureTopics(!accounts.withWebhook().isEmpty(), Set.copyOf(accounts.ids()));
                return true;
            } catch (RuntimeException e) {
                if (!running) {
                    return false; // cut short by stop(): nothing to report
                }
                throw e;
            }
        })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure(e -> !(e instanceof TopicSetup.UnsafeTopicException)).invoke(e -> LOG.warnf(
                        "Cannot check the Kafka topics yet, polling waits for Kafka: %s", e.toString()))
                .onFailure(e -> !(e instanceof TopicSetup.UnsafeTopicException) && running).retry()
                .withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(30)).indefinitely()
                .subscribe().with(ready -> {
                    if (ready && running) {
                        membership.start(this);
                    }
                }, failure -> {
                    if (running) {
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
        running = false;
        if (setup != null) {
            setup.cancel();
        }
        topics.abort();
        publisher.stop();
        membership.stop(STOP_TIMEOUT);
        owned.stopAll();
    }

    /** The accounts this instance polls now, with their recent history. */
    public Map<String, AccountStatus> statuses() {
        return owned.statuses();
    }

    @Override
    public void assigned(Set<Integer> partitions, OwnershipSnapshot now) {
        Set<String> gained = AccountPartitions.accountsOf(partitions, now.spread().statePartitions(), accounts.ids());
        RecoveredStates recovered = recovery.recover(partitions, gained,
                config.kafka().transactionTimeout().multipliedBy(2).plusSeconds(30), () -> running);
        owned.gain(gained.stream().map(accounts::byId).toList(), now, recovered);
        LOG.infof("Polling %d account(s) of partitions %s: %s", gained.size(), partitions, gained);
    }

    @Override
    public void revoked(Set<Integer> partitions, PartitionSpread spread) {
        Set<String> lost = AccountPartitions.accountsOf(partitions, spread.statePartitions(), accounts.ids());
        owned.lose(lost);
        LOG.infof("Stopped %d account(s) of partitions %s: %s", lost.size(), partitions, lost);
    }

    /**
     * Partner Center pushed for this account (a verified invoice-ready): poll now, within the rate
     * {@code balance-stream.webhook.min-poll-interval} allows. Only the instance that owns the account can.
     */
    public PushedPoll push(String accountId) {
        return owned.push(accountId);
    }

    /** One account's loop: its clients, then poll, wait, poll, for as long as it is not cancelled. */
    private Cancellable startLoop(PartnerAccount account, long epoch, AccountStatus status, PollWakeup wakeup,
            byte[] storedRefreshToken) {
        // Setting up an account's clients costs milliseconds each: not on the group member's thread.
        return Uni.createFrom().deferred(() -> clients.clientFor(account))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().invoke(e -> LOG.errorf("Cannot set up the clients of account %s yet: %s",
                        account.accountId(), e.toString()))
                .onFailure().retry().withBackOff(Duration.ofSeconds(1), Duration.ofMinutes(1)).indefinitely()
                .map(client -> {
                    if (account.appUser() && storedRefreshToken != null) {
                        resumeRefreshToken(client, storedRefreshToken);
                    }
                    AccountPoller poller = new AccountPoller(client, epoch, context, status);
                    context.metrics().registerAccount(status, client, poller::unpublishedChanges);
                    return poller;
                })
                .onItem().transformToMulti(poller -> {
                    PublishRetryDelay publishRetry = new PublishRetryDelay();
                    AtomicBoolean first = new AtomicBoolean(true);
                    return Uni.createFrom()
                            .deferred(() -> {
                                Uni<PollOutcome> poll = Uni.createFrom()
                                        .deferred(() -> poller.pollOnce(wakeup.pollStarts()))
                                        .runSubscriptionOn(PollingScheduler::onNewContext);
                                return first.getAndSet(false) ? firstPolls.through(poll) : poll;
                            })
                            // Whatever one poll does, the loop goes on: a failure is an outcome, not an end.
                            .onFailure().recoverWithItem(failure -> unexpected(account, failure))
                            .chain(outcome -> {
                                Duration delay = nextDelay(outcome, publishRetry.after(
                                        poller.unpublishedChanges() > 0, config.pollInterval()));
                                status.nextPollDue(context.clock().instant().plus(delay));
                                return wakeup.waitAfterPoll(delay, outcome.waitAtLeast().isPresent());
                            })
                            .repeat().indefinitely();
                })
                .subscribe().with(ignored -> {
                }, failure -> LOG.errorf(failure, "Polling loop of account %s stopped", account.accountId()));
    }

    /**
     * Starts a poll on a Vert.x context of its own. Each REST client call nests its context in the caller's and keeps
     * a reference to it (Quarkus 3.33, quarkusio/quarkus#54639); a loop that went on from the previous call's context
     * would chain every poll's context, with its locals and spans, for as long as it runs.
     */
    private static void onNewContext(Runnable poll) {
        Context fresh = VertxContext.createNewDuplicatedContext(); // null on a thread without a Vert.x context
        if (fresh == null) {
            poll.run();
        } else {
            fresh.runOnContext(ignored -> poll.run());
        }
    }

    /** The stored token is the newest one, unless an operator configured a new one since (after a new consent). */
    private void resumeRefreshToken(PartnerCenterClient client, byte[] sealed) {
        PartnerAccount account = client.account();
        try {
            RefreshTokenCipher.of(account, context.credentialsKey()).open(sealed, account.refreshToken()).ifPresentOrElse(
                    client::resumeRefreshToken,
                    () -> LOG.infof("A new refresh token is configured for account %s: the stored one is no longer "
                            + "used", account.accountId()));
        } catch (IllegalArgumentException e) {
            LOG.warnf("The stored refresh token of account %s is not used (%s); starting from the configured one",
                    account.accountId(), e.getMessage());
        }
    }

    private static PollOutcome unexpected(PartnerAccount account, Throwable failure) {
        LOG.errorf(failure, "Poll of account %s failed unexpectedly; polling goes on", account.accountId());
        return PollOutcome.of("unexpected");
    }

    /** The planned wait, or longer when Partner Center asked for a pause (already capped by max-retry-after). */
    private static Duration nextDelay(PollOutcome outcome, Duration planned) {
        return outcome.waitAtLeast().filter(wait -> wait.compareTo(planned) > 0).orElse(planned);
    }
}
