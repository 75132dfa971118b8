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
}
