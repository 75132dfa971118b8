package io.balancestream.poller;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.balancestream.config.PartnerAccount;
import io.balancestream.ownership.AccountPartitions;
import io.balancestream.ownership.OwnershipSnapshot;
import io.balancestream.state.RecoveredStates;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * The accounts this instance polls, and what an ownership change does to them. A gained account gets the baseline
 * recovery found before its loop starts (else its first poll would publish what was already published); an account
 * whose state cannot be read is listed with the reason but not polled. Each loop runs in the ownership epoch its
 * account was gained in, and every request it publishes carries that epoch. A lost account's loop stops first; its
 * baseline is forgotten only after the publisher released it (no transaction that holds it can commit any more),
 * because such a transaction's commit advances the baseline of the changes it carries.
 */
final class OwnedAccounts {

    private static final Logger LOG = Logger.getLogger(OwnedAccounts.class);

    /** Starts one account's polling loop; cancelling what it returns stops the loop. */
    @FunctionalInterface
    interface LoopStarter {
        /**
         * @param epoch              the ownership epoch the account was gained in: its requests carry it
         * @param storedRefreshToken App+User: the sealed newest refresh token recovery found, or null
         */
        Cancellable start(PartnerAccount account, long epoch, AccountStatus status, PollWakeup wakeup,
                byte[] storedRefreshToken);
    }

    /** A running loop and the epoch it publishes in. */
    private record Loop(Cancellable cancellable, long epoch) {
    }

    private final PollingContext context;
    private final Duration minPushInterval;
    private final LoopStarter loops;
    private final Consumer<Collection<String>> release;
    private final Map<String, AccountStatus> statuses = new ConcurrentHashMap<>();
    private final Map<String, Loop> running = new ConcurrentHashMap<>();
    private final Map<String, PollWakeup> wakeups = new ConcurrentHashMap<>();

    /**
     * @param minPushInterval how soon after a poll a pushed poll may start
     * @param release         returns once no transaction that holds one of the accounts can commit any more
     */
    OwnedAccounts(PollingContext context, Duration minPushInterval, LoopStarter loops,
            Consumer<Collection<String>> release) {
        this.context = context;
        this.minPushInterval = minPushInterval;
        this.loops = loops;
        this.release = release;
    }

    /** The group assigned these accounts ({@code now} holds their epochs); recovery read them. */
    void gain(Collection<PartnerAccount> accounts, OwnershipSnapshot now, RecoveredStates recovered) {
        List<PartnerAccount> starting = new ArrayList<>();
        List<String> ended = new ArrayList<>();
        for (PartnerAccount account : accounts) {
            String accountId = account.accountId();
            Loop loop = running.get(accountId);
            if (loop != null && loop.epoch() == now.epochOf(accountId)
                    && !recovered.unreadable().containsKey(accountId)) {
                // Still polled in the same epoch, so owned throughout: its loop's baseline is at least as new as what
                // recovery read. A second loop would race it.
                LOG.debugf("Account %s is already polled by this instance", accountId);
                continue;
            }
            if (cancelLoop(accountId)) {
                ended.add(accountId);
            }
            starting.add(account);
        }
        if (!ended.isEmpty()) {
            // Loops of an epoch that has ended: nothing of them may commit, and their baselines are not trusted.
            release.accept(ended);
            context.baselines().forget(ended);
        }
        starting.forEach(account -> start(account, now, recovered));
    }

    /** Lists a gained account and, unless its state cannot be read, starts its loop from the baseline recovery read. */
    private void start(PartnerAccount account, OwnershipSnapshot now, RecoveredStates recovered) {
        String accountId = account.accountId();
        AccountStatus status = new AccountStatus(accountId, AccountPartitions.partitionOf(accountId,
                now.spread().statePartitions()), context.clock());
        String problem = recovered.problems().get(accountId);
        if (problem != null) {
            status.problem(problem);
        }
        statuses.put(accountId, status);
        if (recovered.unreadable().containsKey(accountId)) {
            LOG.errorf("Account %s is not polled: %s", accountId, problem);
            return;
        }
        var stored = recovered.states().get(accountId);
        if (stored != null) {
            context.baselines().advance(accountId, stored.published());
        }
        long epoch = now.epochOf(accountId);
        PollWakeup wakeup = new PollWakeup(context.clock(), minPushInterval);
        wakeups.put(accountId, wakeup);
        running.put(accountId, new Loop(loops.start(account, epoch, status, wakeup,
                recovered.refreshTokens().get(accountId)), epoch));
    }

    /** The group took these accounts away (or this instance leaves it). */
    void lose(Collection<String> accountIds) {
        accountIds.forEach(this::cancelLoop);
        // A transaction that already holds one of them commits (or is fenced) before the group hands them over.
        release.accept(accountIds);
        context.baselines().forget(accountIds);
        for (String accountId : accountIds) {
            statuses.remove(accountId);
            context.metrics().unregisterAccount(accountId);
        }
    }

    /** Stops the account's loop, if it has one, and its pushes; true if a loop was running. */
    private boolean cancelLoop(String accountId) {
        Loop loop = running.remove(accountId);
        wakeups.remove(accountId);
        if (loop != null) {
            loop.cancellable().cancel();
        }
        return loop != null;
    }

    /** Stops every loop at shutdown; the group member's leaving revokes the accounts themselves. */
    void stopAll() {
        running.values().forEach(loop -> loop.cancellable().cancel());
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
