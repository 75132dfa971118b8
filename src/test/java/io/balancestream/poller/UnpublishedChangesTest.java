package io.balancestream.poller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.balancestream.events.PollTrigger;
import io.balancestream.balance.AccountSummary;
import io.balancestream.balance.BalanceTransition;
import io.balancestream.balance.BalanceChange;
import io.balancestream.balance.PublishedState;
import io.balancestream.balance.SummaryFigures;
import io.balancestream.config.Cloud;
import io.balancestream.config.PartnerAccount;
import io.balancestream.event.BalanceEventMapper;

class UnpublishedChangesTest {

    private static final PartnerAccount ACCOUNT = new PartnerAccount("acme", "tenant", "client", "secret",
            Cloud.GLOBAL, Cloud.GLOBAL.apiUrl(), Cloud.GLOBAL.tokenUrl("tenant"), Cloud.GLOBAL.scope());

    private static AccountSummary snapshot(String amount) {
        return new AccountSummary(new SummaryFigures(new BigDecimal(amount), "USD", "$", null, null, null, null,
                null), List.of());
    }

    private static UnpublishedChanges.Change change(String from, String to, long sequence) {
        BalanceTransition transition = new BalanceTransition(from == null ? null : snapshot(from), snapshot(to),
                Set.of(from == null ? BalanceChange.FIRST_OBSERVATION : BalanceChange.BALANCE), sequence);
        return new UnpublishedChanges.Change(transition, BalanceEventMapper.toEvent(ACCOUNT, transition, "r", "c",
                Instant.EPOCH, PollTrigger.SCHEDULE));
    }

    @Test
    void nextObservationIsComparedWithTheNewestWaitingStateElseTheLastPublished() {
        UnpublishedChanges changes = new UnpublishedChanges(10);
        PublishedState published = new PublishedState(snapshot("1"), 4);
        assertThat(changes.newestState(published)).isEqualTo(published);

        changes.add(change("1", "2", 5));
        changes.add(change("2", "3", 6));

        assertThat(changes.newestState(published)).isEqualTo(new PublishedState(snapshot("3"), 6));
    }

    @Test
    void changesWaitInOrderUntilKafkaCommittedThem() {
        UnpublishedChanges changes = new UnpublishedChanges(10);
        changes.add(change(null, "1", 1));
        changes.add(change("1", "2", 2));
        changes.add(change("2", "3", 3));

        changes.committedUpTo(2);

        assertThat(changes.all()).extracting(c -> c.event().getSequence()).containsExactly(3L);
        assertThat(changes.size()).isEqualTo(1);
        changes.committedUpTo(3);
        assertThat(changes.all()).isEmpty();
        assertThat(changes.newestState(null)).isNull();
    }

    @Test
    void aSequenceThatDoesNotFollowTheNewestIsRefused() {
        UnpublishedChanges changes = new UnpublishedChanges(10);
        changes.add(change("1", "2", 5));

        assertThatThrownBy(() -> changes.add(change("2", "3", 7))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("7 does not follow 5");
        assertThatThrownBy(() -> changes.add(change("2", "3", 5))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFullQueueKeepsItsChangesAndRefusesNewOnesSoNoSequenceIsGivenTwice() {
        UnpublishedChanges changes = new UnpublishedChanges(2);
        assertThat(changes.add(change("1", "2", 5))).isTrue();
        assertThat(changes.add(change("2", "3", 6))).isTrue();

        assertThat(changes.add(change("3", "4", 7))).isFalse();

        assertThat(changes.all()).extracting(c -> c.event().getSequence()).containsExactly(5L, 6L);
        assertThat(changes.newestState(null).snapshot().total().balanceAmount()).isEqualByComparingTo("3");
    }

    @Test
    void losingTheAccountDropsWhatWaits() {
        UnpublishedChanges changes = new UnpublishedChanges(10);
        changes.add(change("1", "2", 5));
        changes.clear();
        assertThat(changes.size()).isZero();
    }
}
