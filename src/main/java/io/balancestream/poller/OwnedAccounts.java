package io.balancestream.poller;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import io.balancestream.config.PartnerAccount;
import io.balancestream.ownership.AccountPartitions;
import io.balancestream.state.RecoveredStates;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * The accounts this instance polls, and what an ownership change does to them. A gained account gets the baseline
 * recovery found before its loop starts (else its first poll would publish what was already published); an account
 * whose state cannot be read is listed with the reason but not polled; an account gained while it is still polled keeps
 * its loop. A lost account's loop stops first; its
 * baseline is forgotten only after the transaction under way has ended, because that transaction's commit advances
 * the baseline of the changes it carries.
 */
final class OwnedAccounts {

    private static final Logger LOG = Logger.getLogger(OwnedAccounts.class);

    /** Starts one account's polling loop; cancelling what it returns stops the loop. */
    @FunctionalInterface
    interface LoopStarter {
        /** @param storedRefreshToken App+User: the sealed newest refresh token recovery found, or null */
        Cancellable start(PartnerAccount account, AccountStatus status, PollWakeup wakeup, byte[] storedRefreshToken);
    }

    private final PollingContext context;
    private final Duration minPushInterval;
    private final LoopStarter loops;
    private final Runnable awaitCurrentTransaction;
    private final Map<String, AccountStatus> statuses = new ConcurrentHashMap<>();
    private final Map<String, Cancellable> running = new ConcurrentHashMap<>();
    private final Map<String, PollWakeup> wakeups = new ConcurrentHashMap<>();

    /**
     * @param minPushInterval         how soon after a poll a pushed poll may start
     * @param awaitCurrentTransaction returns once the transaction under way (if any) has committed or aborted
     */
    OwnedAccounts(PollingContext context, Duration minPushInterval, LoopStarter loops,
            Runnable awaitCurrentTransaction) {
        this.context = context;
        this.minPushInterval = minPushInterval;
        this.loops = loops;
        this.awaitCurrentTransaction = awaitCurrentTransaction;
    }

    /** The group assigned these accounts (of a topic with {@code partitionCount} partitions); recovery read them. */
    void gain(Collection<PartnerAccount> accounts, int partitionCount, RecoveredStates recovered) {
        for (PartnerAccount account : accounts) {
            String accountId = account.accountId();
            if (running.containsKey(accountId) && !recovered.unreadable().containsKey(accountId)) {
                // Still polled here, so owned throughout (a lost account's loop is stopped) and fenced against anyone
                // else: its loop's baseline is at least as new as what recovery read. A second loop would race it.
                LOG.debugf("Account %s is already polled by this instance", accountId);
                continue;
            }
            AccountStatus status = new AccountStatus(accountId, AccountPartitions.partitionOf(accountId,
                    partitionCount), context.clock());
            String problem = recovered.problems().get(accountId);
            if (problem != null) {
                status.problem(problem);
            }
            statuses.put(accountId, status);
            if (recovered.unreadable().containsKey(accountId)) {
                LOG.errorf("Account %s is not polled: %s", accountId, problem);
                // A loop left from an earlier assignment must not go on from a baseline recovery can no longer confirm.
                if (cancelLoop(accountId)) {
                    awaitCurrentTransaction.run();
                    context.baselines().forget(List.of(accountId));
                }
                continue;
            }
            var stored = recovered.states().get(accountId);
            if (stored != null) {
                context.baselines().advance(accountId, stored.published());
            }
            PollWakeup wakeup = new PollWakeup(context.clock(), minPushInterval);
            wakeups.put(accountId, wakeup);
            running.put(accountId, loops.start(account, status, wakeup, recovered.refreshTokens().get(accountId)));
        }
    }

    /** The group took these accounts away (or this instance leaves it). */
    void lose(Collection<String> accountIds) {
        accountIds.forEach(this::cancelLoop);
        // A transaction that already holds one of them commits (or not) before the group hands them over.
        awaitCurrentTransaction.run();
        context.baselines().forget(accountIds);
        for (String accountId : accountIds) {
            statuses.remove(accountId);
            context.metrics().unregisterAccount(accountId);
        }
    }

    /** Stops the account's loop, if it has one, and its pushes; true if a loop was running. */
    private boolean cancelLoop(String accountId) {
        Cancellable loop = running.remove(accountId);
        wakeups.remove(accountId);
        if (loop != null) {
            loop.cancel();
        }
        return loop != null;
    }

    /** Stops every loop at shutdown; the group member's leaving revokes the accounts themselves. */
    void stopAll() {
        running.values().forEach(Cancellable::cancel);
        running.clear();
        wakeups.clear();
    }

    /** A verified push for the account: only a polled account can take it. */
    PushedPoll push(String accountId) {
        PollWakeup wakeup = wakeups.get(accountId);
        return wakeup == null ? PushedPoll.NOT_OWNED : wakeup.push();
    }

    /** Every owned account, polled or not, with its recent history, by account id. */
    Map<String, AccountStatus> statuses() {
        return new TreeMap<>(statuses);
    }
}
