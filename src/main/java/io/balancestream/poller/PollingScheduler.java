package io.balancestream.poller;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.balancestream.config.BalanceStreamConfig;
import io.balancestream.config.PartnerAccounts;
import io.balancestream.observability.Tracing;
import io.balancestream.ownership.AccountPartitions;
import io.balancestream.ownership.GroupMembership;
import io.balancestream.ownership.OwnershipListener;
import io.balancestream.ownership.OwnershipSnapshot;
import io.balancestream.ownership.PartitionSpread;
import io.balancestream.partnercenter.PartnerCenterClients;
import io.balancestream.publish.TransactionalPublisher;
import io.balancestream.state.Baselines;
import io.balancestream.state.RecoveredStates;
import io.balancestream.state.StateRecovery;

/**
 * Turns the group's decisions into polling: when the group gives this instance partitions it recovers their
 * accounts' states and starts their loops ({@link AccountLoops}); when it takes partitions away it stops their loops
 * and has the publisher release them before the group moves on ({@link OwnedAccounts}).
 */
@ApplicationScoped
public class PollingScheduler implements OwnershipListener {

    private static final Logger LOG = Logger.getLogger(PollingScheduler.class);
    /** How long a revocation waits for the transaction under way before it fences it. */
    private static final Duration RELEASE_WAIT = Duration.ofSeconds(5);

    private final PartnerAccounts accounts;
    private final StateRecovery recovery;
    private final Duration recoveryTimeout;
    private final OwnedAccounts owned;
    private volatile boolean running;

    @Inject
    PollingScheduler(PartnerAccounts accounts, PartnerCenterClients clients, GroupMembership membership,
            TransactionalPublisher publisher, Baselines baselines, StateRecovery recovery, BalanceStreamConfig config,
            PollMetrics metrics, Tracing tracing) {
        this.accounts = accounts;
        this.recovery = recovery;
        this.recoveryTimeout = config.kafka().transactionTimeout().multipliedBy(2).plusSeconds(30);
        PollingContext context = new PollingContext(publisher, baselines, (accountId, timeout) -> recovery
                .recoverAccount(accountId, membership.snapshot().spread().statePartitions(), timeout), metrics,
                tracing.tracer(), Clock.systemUTC(), config.credentialsKey());
        FirstPollGate firstPolls = new FirstPollGate(Math.max(1, config.firstPollConcurrency())); // checked at start
        this.owned = new OwnedAccounts(context, config.webhook().minPollInterval(),
                new AccountLoops(clients, context, firstPolls, config.pollInterval()),
                released -> publisher.release(released, RELEASE_WAIT));
    }

    void starting() {
        running = true;
    }

    void stopping() {
        running = false;
    }

    boolean running() {
        return running;
    }

    /** Stops every loop at shutdown; leaving the group revokes the accounts themselves. */
    void stopAll() {
        owned.stopAll();
    }

    /** The accounts this instance polls now, with their recent history. */
    public Map<String, AccountStatus> statuses() {
        return owned.statuses();
    }

    @Override
    public void assigned(Set<Integer> partitions, OwnershipSnapshot now) {
        Set<String> gained = AccountPartitions.accountsOf(partitions, now.spread().statePartitions(), accounts.ids());
        RecoveredStates recovered = recovery.recover(partitions, gained, recoveryTimeout, () -> running);
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
}
