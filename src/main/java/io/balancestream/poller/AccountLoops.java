package io.balancestream.poller;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import io.balancestream.config.PartnerAccount;
import io.balancestream.credentials.RefreshTokenCipher;
import io.balancestream.partnercenter.PartnerCenterClient;
import io.balancestream.partnercenter.PartnerCenterClients;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;

/**
 * Starts one account's loop: its clients, then poll, wait, poll, for as long as it is not cancelled. A loop waits
 * {@code poll-interval} after each poll (longer if Partner Center asked for it, shorter while changes wait for Kafka,
 * cut short by a push), so polls of one account never overlap, and a slow or failing account never delays another.
 * The first polls of many accounts go out in a bounded wave ({@link FirstPollGate}).
 */
final class AccountLoops implements OwnedAccounts.LoopStarter {

    private static final Logger LOG = Logger.getLogger(AccountLoops.class);

    private final PartnerCenterClients clients;
    private final PollingContext context;
    private final FirstPollGate firstPolls;
    private final Duration pollInterval;

    AccountLoops(PartnerCenterClients clients, PollingContext context, FirstPollGate firstPolls,
            Duration pollInterval) {
        this.clients = clients;
        this.context = context;
        this.firstPolls = firstPolls;
        this.pollInterval = pollInterval;
    }

    @Override
    public Cancellable start(PartnerAccount account, long epoch, AccountStatus status, PollWakeup wakeup,
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
                                        .runSubscriptionOn(AccountLoops::onNewContext);
                                return first.getAndSet(false) ? firstPolls.through(poll) : poll;
                            })
                            // Whatever one poll does, the loop goes on: a failure is an outcome, not an end.
                            .onFailure().recoverWithItem(failure -> unexpected(account, failure))
                            .chain(outcome -> {
                                Duration delay = nextDelay(outcome, publishRetry.after(
                                        poller.unpublishedChanges() > 0, pollInterval));
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
