package io.balancestream.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class AccountPartitionsTest {

    private static final List<String> ACCOUNTS = IntStream.range(0, 60).mapToObj(i -> "tenant-" + i).toList();

    @Test
    void everyAccountHasExactlyOnePartitionAndTheyAllGetSome() {
        Set<Integer> used = new HashSet<>();
        for (String account : ACCOUNTS) {
            int partition = AccountPartitions.partitionOf(account, 6);
            assertThat(partition).isBetween(0, 5).isEqualTo(AccountPartitions.partitionOf(account, 6));
            used.add(partition);
        }
        assertThat(used).as("60 accounts spread over 6 partitions").hasSize(6);
    }

    @Test
    void thePartitionsOfAllInstancesTogetherCoverEveryAccountOnce() {
        Set<String> first = AccountPartitions.accountsOf(Set.of(0, 2, 4), 6, ACCOUNTS);
        Set<String> second = AccountPartitions.accountsOf(Set.of(1, 3, 5), 6, ACCOUNTS);

        assertThat(first).doesNotContainAnyElementsOf(second);
        Set<String> all = new HashSet<>(first);
        all.addAll(second);
        assertThat(all).containsExactlyInAnyOrderElementsOf(ACCOUNTS);
        assertThat(first).allSatisfy(account -> assertThat(AccountPartitions.partitionOf(account, 6)).isIn(0, 2, 4));
    }

    @Test
    void aTopicWithoutPartitionsIsRefused() {
        assertThatThrownBy(() -> AccountPartitions.partitionOf("a", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void accountsStaySpreadOverTheCountTheirStatesWereWrittenWith() {
        assertThat(AccountPartitions.spreadOver(List.of(), 6)).as("nothing written yet: the topic's count").isEqualTo(6);
        assertThat(AccountPartitions.spreadOver(java.util.Arrays.asList(null, "", "other metadata"), 6))
                .as("offsets without a mark (an older version)").isEqualTo(6);
        assertThat(AccountPartitions.spreadOver(List.of(AccountPartitions.mark(6), AccountPartitions.mark(6)), 8))
                .as("two partitions added later").isEqualTo(6);
        assertThat(AccountPartitions.spreadOver(List.of(AccountPartitions.mark(8), AccountPartitions.mark(6)), 8))
                .as("the smallest count decides").isEqualTo(6);
        assertThat(AccountPartitions.spreadOver(List.of(AccountPartitions.mark(12)), 4))
                .as("a count the topic no longer has (recreated smaller) is ignored").isEqualTo(4);
        assertThat(AccountPartitions.spreadOver(List.of("balance-stream.accounts-over=0",
                "balance-stream.accounts-over=x", "balance-stream.accounts-over=99999999999"), 6)).isEqualTo(6);
    }
}
