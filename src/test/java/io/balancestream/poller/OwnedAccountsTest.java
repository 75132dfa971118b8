package io.balancestream.poller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.balancestream.balance.PublishedState;
import io.balancestream.config.Cloud;
import io.balancestream.config.PartnerAccount;
import io.balancestream.state.AccountStateCodec.StoredState;
import io.balancestream.events.PollTrigger;
import io.balancestream.ownership.AccountPartitions;
import io.balancestream.ownership.OwnershipSnapshot;
import io.balancestream.ownership.PartitionSpread;
import io.balancestream.state.Baselines;
import io.balancestream.state.RecoveredStates;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.smallrye.mutiny.subscription.Cancellable;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;

/**
 * What an ownership change does to the accounts an instance polls, without a group or a broker: the scheduler hands
 * the group's decisions and recovery's findings to OwnedAccounts, and these tests play both. The process tests
 * (GroupFailoverScenarioIT, StateTopicIT) show the same with real members moving real partitions.
 */
class OwnedAccountsTest {

    private static final int PARTITIONS = 6;
    /** Every partition owned, gained in epoch 1. */
    private static final OwnershipSnapshot FIRST_EPOCH = ownedIn(1);
    private static final PartnerAccount CONTOSO = account("contoso");
    private static final PartnerAccount FABRIKAM = account("fabrikam");

    private final Baselines baselines = new Baselines();
    private final List<StartedLoop> loops = new ArrayList<>();
    private final List<String> transactionWaits = new ArrayList<>();
    private final OwnedAccounts owned = new OwnedAccounts(new PollingContext(null, baselines,
            (accountId, timeout) -> {
                throw new AssertionError("an ownership change reads no state back itself");
            }, new PollMetrics(new SimpleMeterRegistry(), null), OpenTelemetry.noop().getTracer("test"),
            Clock.systemUTC(), Optional.empty()), Duration.ofSeconds(30), this::startLoop, this::release);

    @Test
    void aGainedAccountStartsPollingFromTheBaselineRecoveryFound() {
        byte[] sealedToken = {1, 2, 3};
        owned.gain(List.of(CONTOSO, FABRIKAM), FIRST_EPOCH, new RecoveredStates(
                Map.of("contoso", stored("contoso", 7)), Map.of(), Map.of(), Map.of("contoso", sealedToken)));

        assertThat(loops).extracting(loop -> loop.account().accountId()).containsExactly("contoso", "fabrikam");
        assertThat(loops.get(0).baselineAtStart()).as("the baseline is in place before the first poll")
                .hasValue(7L);
        assertThat(loops.get(0).storedRefreshToken()).isSameAs(sealedToken);
        assertThat(loops.get(1).baselineAtStart()).as("never published: the first poll is a first observation")
                .isEmpty();
        assertThat(owned.statuses()).containsOnlyKeys("contoso", "fabrikam");
        assertThat(owned.statuses().get("contoso").partition())
                .isEqualTo(AccountPartitions.partitionOf("contoso", PARTITIONS));
    }

    @Test
    void anAccountWhoseStateCannotBeReadIsListedWithTheReasonButNotPolled() {
        String reason = "state of contoso was deleted (tombstone at partition 2 offset 9)";
        owned.gain(List.of(CONTOSO, FABRIKAM), FIRST_EPOCH, new RecoveredStates(Map.of(),
                Map.of("contoso", reason), Map.of("contoso", reason)));

        assertThat(loops).extracting(loop -> loop.account().accountId())
                .as("polling it would start its sequence again at 1").containsExactly("fabrikam");
        assertThat(owned.statuses().get("contoso").problem()).isEqualTo(reason);
        assertThat(owned.push("contoso")).isEqualTo(PushedPoll.NOT_OWNED);
        assertThat(baselines.lastPublished("contoso")).isEmpty();
    }

    @Test
    void aLostAccountStopsPollingFirstAndForgetsItsBaselineOnlyAfterTheTransactionUnderWay() {
        owned.gain(List.of(CONTOSO, FABRIKAM), FIRST_EPOCH, new RecoveredStates(
                Map.of("contoso", stored("contoso", 7), "fabrikam", stored("fabrikam", 3)), Map.of(), Map.of()));

        owned.lose(List.of("contoso"));

        assertThat(transactionWaits).as("while the transaction under way ends: loop stopped, baseline kept")
                .containsExactly("contoso loop cancelled=true, baseline=7");
        assertThat(baselines.lastPublished("contoso")).isEmpty();
        assertThat(owned.statuses()).containsOnlyKeys("fabrikam");
        assertThat(owned.push("contoso")).isEqualTo(PushedPoll.NOT_OWNED);
        assertThat(loops.get(1).cancelled).as("the account still owned polls on").isFalse();
        assertThat(baselines.lastPublished("fabrikam")).get().extracting(PublishedState::sequence).isEqualTo(3L);
    }

    @Test
    void aPushWakesOnlyAnAccountThisInstancePolls() {
        owned.gain(List.of(CONTOSO), FIRST_EPOCH, new RecoveredStates(Map.of(), Map.of(), Map.of()));

        assertThat(owned.push("contoso")).isEqualTo(PushedPoll.WOKE);
        assertThat(owned.push("contoso")).isEqualTo(PushedPoll.COALESCED);
        assertThat(owned.push("fabrikam")).isEqualTo(PushedPoll.NOT_OWNED);
        assertThat(loops.get(0).wakeup().pollStarts()).isEqualTo(PollTrigger.WEBHOOK);
    }

    @Test
    void anAccountGainedWhileStillPolledKeepsItsOneLoopAndItsNewerBaseline() {
        owned.gain(List.of(CONTOSO), FIRST_EPOCH, new RecoveredStates(
                Map.of("contoso", stored("contoso", 7)), Map.of(), Map.of()));
        baselines.advance("contoso", stored("contoso", 8).published()); // the loop published sequence 8
        AccountStatus status = owned.statuses().get("contoso");

        owned.gain(List.of(CONTOSO), FIRST_EPOCH, new RecoveredStates(
                Map.of("contoso", stored("contoso", 7)), Map.of(), Map.of()));

        assertThat(loops).as("one loop: a second would poll the account twice").hasSize(1);
        assertThat(loops.get(0).cancelled).isFalse();
        assertThat(baselines.lastPublished("contoso")).as("not set back to what recovery read before")
                .map(PublishedState::sequence).hasValue(8L);
        assertThat(owned.statuses().get("contoso")).isSameAs(status);
        assertThat(transactionWaits).isEmpty();
    }

    @Test
    void anAccountGainedInANewEpochWhileItsOldLoopStillRunsStartsAgainFromWhatRecoveryRead() {
        owned.gain(List.of(CONTOSO), FIRST_EPOCH, new RecoveredStates(
                Map.of("contoso", stored("contoso", 7)), Map.of(), Map.of()));
        baselines.advance("contoso", stored("contoso", 8).published());

        owned.gain(List.of(CONTOSO), ownedIn(2), new RecoveredStates(
                Map.of("contoso", stored("contoso", 9)), Map.of(), Map.of()));

        assertThat(loops).extracting(StartedLoop::epoch).as("the new loop publishes in the new epoch")
                .containsExactly(1L, 2L);
        assertThat(loops.get(0).cancelled).as("the loop of the ended epoch stops").isTrue();
        assertThat(transactionWaits).as("released before its baseline is replaced")
                .containsExactly("contoso loop cancelled=true, baseline=8");
        assertThat(loops.get(1).baselineAtStart()).as("the new owner's baseline is what recovery read")
                .hasValue(9L);
    }

    @Test
    void anAccountGainedAgainWhoseStateCanNoLongerBeReadStopsPolling() {
        owned.gain(List.of(CONTOSO), FIRST_EPOCH, new RecoveredStates(
                Map.of("contoso", stored("contoso", 7)), Map.of(), Map.of()));
        String reason = "state of contoso was deleted (tombstone at partition 2 offset 9)";

        owned.gain(List.of(CONTOSO), FIRST_EPOCH, new RecoveredStates(Map.of(), Map.of("contoso", reason),
                Map.of("contoso", reason)));

        assertThat(loops).as("no new loop for an account whose state cannot be read").hasSize(1);
        assertThat(transactionWaits).as("the old loop stopped before the transaction under way ended")
                .containsExactly("contoso loop cancelled=true, baseline=7");
        assertThat(baselines.lastPublished("contoso")).as("no baseline left for a later poll to trust").isEmpty();
        assertThat(owned.push("contoso")).isEqualTo(PushedPoll.NOT_OWNED);
        assertThat(owned.statuses().get("contoso").problem()).isEqualTo(reason);
    }

    @Test
    void stopAllEndsEveryLoop() {
        owned.gain(List.of(CONTOSO, FABRIKAM), FIRST_EPOCH, new RecoveredStates(Map.of(), Map.of(), Map.of()));

        owned.stopAll();

        assertThat(loops).allSatisfy(loop -> assertThat(loop.cancelled).isTrue());
        assertThat(owned.push("contoso")).isEqualTo(PushedPoll.NOT_OWNED);
    }

    private Cancellable startLoop(PartnerAccount account, long epoch, AccountStatus status, PollWakeup wakeup,
            byte[] storedRefreshToken) {
        StartedLoop loop = new StartedLoop(account, epoch, wakeup, storedRefreshToken,
                baselines.lastPublished(account.accountId()).map(PublishedState::sequence));
        loops.add(loop);
        return loop;
    }

    private void release(Collection<String> accountIds) {
        for (StartedLoop loop : loops) {
            String accountId = loop.account().accountId();
            if (loop.cancelled && accountIds.contains(accountId)) {
                transactionWaits.add(accountId + " loop cancelled=" + loop.cancelled + ", baseline="
                        + baselines.lastPublished(accountId).map(PublishedState::sequence).orElse(null));
            }
        }
    }

    private static OwnershipSnapshot ownedIn(long epoch) {
        Map<Integer, Long> epochs = new TreeMap<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            epochs.put(partition, epoch);
        }
        return new OwnershipSnapshot(new ConsumerGroupMetadata("group", (int) epoch, "member", Optional.empty()),
                new PartitionSpread(PARTITIONS, PARTITIONS), epochs);
    }

    private static StoredState stored(String accountId, long sequence) {
        return new StoredState(accountId, new PublishedState(new TreeMap<>(), sequence), 0, sequence - 1);
    }

    private static PartnerAccount account(String id) {
        return new PartnerAccount(id, "tenant-" + id, "client", "secret", Cloud.GLOBAL, Cloud.GLOBAL.apiUrl(),
                Cloud.GLOBAL.tokenUrl("tenant-" + id), Cloud.GLOBAL.scope());
    }

    /** One loop the scheduler would have started, and what the account's state was at that moment. */
    private static final class StartedLoop implements Cancellable {
        private final PartnerAccount account;
        private final long epoch;
        private final PollWakeup wakeup;
        private final byte[] storedRefreshToken;
        private final Optional<Long> baselineAtStart;
        private boolean cancelled;

        StartedLoop(PartnerAccount account, long epoch, PollWakeup wakeup, byte[] storedRefreshToken,
                Optional<Long> baselineAtStart) {
            this.account = account;
            this.epoch = epoch;
            this.wakeup = wakeup;
            this.storedRefreshToken = storedRefreshToken;
            this.baselineAtStart = baselineAtStart;
        }

        PartnerAccount account() {
            return account;
        }

        long epoch() {
            return epoch;
        }

        PollWakeup wakeup() {
            return wakeup;
        }

        byte[] storedRefreshToken() {
            return storedRefreshToken;
        }

        Optional<Long> baselineAtStart() {
            return baselineAtStart;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }
}
