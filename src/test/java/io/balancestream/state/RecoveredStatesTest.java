package io.balancestream.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.balancestream.balance.AccountSummary;
import io.balancestream.balance.PublishedState;
import io.balancestream.balance.SummaryFigures;
import io.balancestream.state.AccountStateCodec.StoredState;

class RecoveredStatesTest {

    private static StoredState state(String account, long sequence) {
        return new StoredState(account, new PublishedState(new AccountSummary(new SummaryFigures(
                BigDecimal.valueOf(sequence), "EUR", null, null, null, null, null, null), List.of()), sequence), 0,
                sequence * 10);
    }

    @Test
    void theNewestRecordOfAnAccountWinsAndOtherAccountsAreIgnored() {
        RecoveredStates.Builder builder = new RecoveredStates.Builder(Set.of("a", "b"));
        builder.stored(state("a", 1), "a");
        builder.stored(state("a", 2), "a");
        builder.stored(state("b", 7), "b");
        builder.unreadable("not-mine", "whatever");

        RecoveredStates recovered = builder.build();

        assertThat(recovered.states()).containsOnlyKeys("a", "b");
        assertThat(recovered.states().get("a").published().sequence()).isEqualTo(2);
        assertThat(recovered.unreadable()).isEmpty();
        assertThat(recovered.problems()).isEmpty();
    }

    @Test
    void anUnreadableLastRecordKeepsTheAccountFromStartingAgainAtOne() {
        RecoveredStates.Builder builder = new RecoveredStates.Builder(Set.of("a"));
        builder.stored(state("a", 5), "a");
        builder.unreadable("a", "state record at s-0 offset 12 cannot be read");

        RecoveredStates recovered = builder.build();

        assertThat(recovered.states()).isEmpty();
        assertThat(recovered.unreadable()).containsEntry("a", "state record at s-0 offset 12 cannot be read");
    }

    @Test
    void aReadableRecordAfterAnUnreadableOneSupersedesIt() {
        RecoveredStates.Builder builder = new RecoveredStates.Builder(Set.of("a"));
        builder.unreadable("a", "garbage");
        builder.stored(state("a", 6), "a");

        RecoveredStates recovered = builder.build();

        assertThat(recovered.states().get("a").published().sequence()).isEqualTo(6);
        assertThat(recovered.unreadable()).isEmpty();
        assertThat(recovered.problems()).isEmpty();
    }

    @Test
    void aTombstoneIsNeverTakenAsNeverPublished() {
        RecoveredStates.Builder builder = new RecoveredStates.Builder(Set.of("a"));
        builder.stored(state("a", 3), "a");
        builder.deleted("a", 2, 40);

        RecoveredStates recovered = builder.build();

        assertThat(recovered.states()).isEmpty();
        assertThat(recovered.unreadable().get("a")).contains("tombstone at partition 2 offset 40");
    }

    @Test
    void aRecordUnderAnotherAccountsKeyIsRefused() {
        RecoveredStates.Builder builder = new RecoveredStates.Builder(Set.of("a"));
        builder.stored(state("b", 3), "a");

        assertThat(builder.build().unreadable().get("a")).contains("names account b");
    }

    @Test
    void missingEventsAreAProblemButTheAccountGoesOn() {
        RecoveredStates.Builder builder = new RecoveredStates.Builder(Set.of("a"));
        builder.stored(state("a", 3), "a");
        builder.missingEvents("a", "event topic lost events");

        RecoveredStates recovered = builder.build();

        assertThat(recovered.states()).containsKey("a");
        assertThat(recovered.unreadable()).isEmpty();
        assertThat(recovered.problems()).containsEntry("a", "event topic lost events");
    }
}
