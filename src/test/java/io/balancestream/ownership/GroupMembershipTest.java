package io.balancestream.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.balancestream.kafka.KafkaClients;
import io.balancestream.kafka.TestKafka;

/** Ownership changes on Kafka's group protocol, against a real broker: no partition ever has two owners. */
class GroupMembershipTest {

    @RegisterExtension
    static final TestKafka kafka = new TestKafka();
    /** Who owns each partition, as the listeners were told; a second owner is a violation. */
    private final Map<Integer, String> owners = Collections.synchronizedMap(new HashMap<>());
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());


    private GroupMembership join(KafkaClients clients, String name) {
        GroupMembership member = new GroupMembership(clients);
        kafka.stopAfterTest(member, () -> member.stop(Duration.ofSeconds(10)));
        member.start(new OwnershipListener() {
            @Override
            public void assigned(Set<Integer> partitions, OwnershipSnapshot now) {
                for (int partition : partitions) {
                    String previous = owners.putIfAbsent(partition, name);
                    if (previous != null) {
                        violations.add(name + " got partition " + partition + " still owned by " + previous);
                    }
                }
            }

            @Override
            public void revoked(Set<Integer> partitions, PartitionSpread spread) {
                partitions.forEach(partition -> owners.remove(partition, name));
            }
        });
        return member;
    }

    @Test
    void membersShareThePartitionsAndTakeOverFromOneThatLeaves() {
        KafkaClients clients = kafka.clients(TestKafka.Settings.unique(6));

        GroupMembership first = join(clients, "first");
        await("one member owns everything").atMost(Duration.ofSeconds(30))
                .until(() -> first.ownedPartitions().size() == 6);
        assertThat(first.snapshot().group().generationId()).isPositive();
        assertThat(owns(first, "any-account")).isTrue();

        GroupMembership second = join(clients, "second");
        await("two members share").atMost(Duration.ofSeconds(30))
                .until(() -> first.ownedPartitions().size() == 3 && second.ownedPartitions().size() == 3);
        Set<Integer> all = new TreeSet<>(first.ownedPartitions());
        all.addAll(second.ownedPartitions());
        assertThat(all).containsExactly(0, 1, 2, 3, 4, 5);
        String account = "tenant-42";
        assertThat(owns(first, account)).isNotEqualTo(owns(second, account));

        first.stop(Duration.ofSeconds(10));
        assertThat(first.ownedPartitions()).as("leaving releases everything").isEmpty();
        await("the other takes over").atMost(Duration.ofSeconds(30))
                .until(() -> second.ownedPartitions().size() == 6);

        assertThat(violations).as("no partition with two owners at once").isEmpty();
    }

    private static boolean owns(GroupMembership member, String accountId) {
        return member.snapshot().epochOf(accountId) != OwnershipSnapshot.NONE;
    }
}
