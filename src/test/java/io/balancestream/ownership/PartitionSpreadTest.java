package io.balancestream.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The counts the group's committed offsets say accounts are spread over (with Kafka: TransactionalPublisherTest). */
class PartitionSpreadTest {

    private static String mark(int state, int events) {
        return new PartitionSpread(state, events).mark();
    }

    @Test
    void nothingRecordedYetMeansTheTopicsOwnCounts() {
        assertThat(PartitionSpread.of(List.of(), 6, 3)).isEqualTo(new PartitionSpread(6, 3));
        assertThat(PartitionSpread.of(Arrays.asList(null, "", "metadata of someone else"), 6, 3))
                .as("offsets committed by an earlier build carry no mark").isEqualTo(new PartitionSpread(6, 3));
    }

    @Test
    void partitionsAddedLaterAreNotUsed() {
        assertThat(PartitionSpread.of(List.of(mark(6, 6), mark(6, 6)), 8, 12)).isEqualTo(new PartitionSpread(6, 6));
    }

    @Test
    void theSmallestCountRecordedDecidesForEachTopic() {
        assertThat(PartitionSpread.of(List.of(mark(8, 4), mark(6, 12)), 8, 12)).isEqualTo(new PartitionSpread(6, 4));
    }

    @Test
    void aCountTheTopicNoLongerHasIsFromARecreatedTopicAndIgnored() {
        assertThat(PartitionSpread.of(List.of(mark(12, 6)), 4, 1)).isEqualTo(new PartitionSpread(4, 1));
    }

    @Test
    void aMarkReadsBackAsTheCountsItRecords() {
        assertThat(PartitionSpread.of(List.of(mark(3, 5)), 10, 10)).isEqualTo(new PartitionSpread(3, 5));
        assertThat(PartitionSpread.of(List.of("balance-stream:state=0,events=1", "balance-stream:state=x,events=1",
                "balance-stream:state=9999999,events=1"), 6, 6)).isEqualTo(new PartitionSpread(6, 6));
        assertThatThrownBy(() -> new PartitionSpread(0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
