package io.balancestream.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.balancestream.events.PollTrigger;
import io.balancestream.balance.AccountSummary;
import io.balancestream.balance.BalanceTransition;
import io.balancestream.balance.BalanceChange;
import io.balancestream.balance.PublishedState;
import io.balancestream.balance.SummaryFigures;
import io.balancestream.config.Cloud;
import io.balancestream.config.PartnerAccount;
import io.balancestream.state.AccountStateCodec.StoredState;
import io.balancestream.events.BalanceChanged;
import io.balancestream.event.BalanceChangedDeserializer;
import io.balancestream.event.BalanceEventMapper;
import io.balancestream.kafka.KafkaClients;
import io.balancestream.kafka.TestKafka;
import io.balancestream.kafka.TopicReader;
import io.balancestream.ownership.AccountPartitions;
import io.balancestream.ownership.GroupMembership;
import io.balancestream.ownership.Ownership;
import io.balancestream.ownership.OwnershipListener;
import io.balancestream.ownership.OwnershipSnapshot;
import io.balancestream.ownership.PartitionSpread;
import io.balancestream.state.RecoveredStates;
import io.balancestream.state.StateRecovery;
import io.opentelemetry.api.OpenTelemetry;

/** Transactions against a real broker and group: event and state commit together, a fenced instance commits nothing. */
class TransactionalPublisherTest {

    private static final String ACCOUNT_ID = "acme";
    private static final PartnerAccount ACCOUNT = new PartnerAccount(ACCOUNT_ID, "tenant", "client", "secret",
            Cloud.GLOBAL, Cloud.GLOBAL.apiUrl(), Cloud.GLOBAL.tokenUrl("tenant"), Cloud.GLOBAL.scope());
    @RegisterExtension
    static final TestKafka kafka = new TestKafka();

    /** What an instance believes about its ownership, whatever the group decided: epoch 1 of every partition. */
    private record FixedOwnership(boolean ownsEverything, ConsumerGroupMetadata groupMetadata, int partitionCount)
            implements Ownership {

        @Override
        public OwnershipSnapshot snapshot() {
            Map<Integer, Long> epochs = new java.util.HashMap<>();
            for (int partition = 0; ownsEverything && partition < partitionCount; partition++) {
                epochs.put(partition, 1L);
            }
            return new OwnershipSnapshot(groupMetadata, new PartitionSpread(partitionCount, partitionCount), epochs);
        }
    }

    private static long epochOf(GroupMembership member, String accountId) {
        return member.snapshot().epochOf(accountId);
    }

    private static PendingEvent pending(String from, String to, long sequence) {
        BalanceTransition transition = new BalanceTransition(from == null ? null : snapshot(from), snapshot(to),
                Set.of(from == null ? BalanceChange.FIRST_OBSERVATION : BalanceChange.BALANCE), sequence);
        BalanceChanged event = BalanceEventMapper.toEvent(ACCOUNT, transition, "request", "correlation",
                Instant.parse("2026-11-29T10:00:00Z"), PollTrigger.SCHEDULE);
        return new PendingEvent(event, transition.published());
    }

    private static AccountSummary snapshot(String amount) {
        return new AccountSummary(new SummaryFigures(new BigDecimal(amount), "EUR", "€", null, null, null, null,
                null), List.of());
    }

    private GroupMembership member(KafkaClients clients) {
        GroupMembership member = new GroupMembership(clients);
        kafka.stopAfterTest(member, () -> member.stop(Duration.ofSeconds(10)));
        member.start(new OwnershipListener() {
            @Override
            public void assigned(Set<Integer> partitions, OwnershipSnapshot now) {
            }

            @Override
            public void revoked(Set<Integer> partitions, PartitionSpread spread) {
            }
        });
        return member;
    }

    /** The only member of the group, once it owns both partitions and published the account's sequence 1. */
    private GroupMembership ownerOfFirstEvent(KafkaClients clients) throws Exception {
        GroupMembership owner = member(clients);
        await().atMost(Duration.ofSeconds(30)).until(() -> owner.ownedPartitions().size() == 2);
        publisher(clients, owner).publish(ACCOUNT_ID, epochOf(owner, ACCOUNT_ID), List.of(pending(null, "1", 1)), null)
                .get(30, TimeUnit.SECONDS);
        return owner;
    }

    private TransactionalPublisher publisher(KafkaClients clients, Ownership ownership) {
        TransactionalPublisher publisher = new TransactionalPublisher(clients, ownership, "test",
                clients::transactionalProducer, OpenTelemetry.noop(), OpenTelemetry.noop().getTracer("test"));
        return kafka.stopAfterTest(publisher, publisher::stop);
    }

    private static List<Long> sequences(KafkaClients clients, String topic) {
        List<Long> sequences = new ArrayList<>();
        try (TopicReader reader = new TopicReader(clients, "test")) {
            reader.readToEnd(reader.partitionsOf(topic, Duration.ofSeconds(10)), Duration.ofSeconds(30), () -> true,
                    record -> sequences.add(new BalanceChangedDeserializer().deserialize(topic, record.value())
                            .getSequence()));
        }
        return sequences;
    }

    @Test
    void eventsAndTheirStateCommitTogether() throws Exception {
        TestKafka.Settings settings = TestKafka.Settings.unique(3);
        KafkaClients clients = kafka.clients(settings);
        GroupMembership owner = member(clients);
        await().atMost(Duration.ofSeconds(30)).until(() -> epochOf(owner, ACCOUNT_ID) != OwnershipSnapshot.NONE);
        TransactionalPublisher publisher = publisher(clients, owner);

        publisher.publish(ACCOUNT_ID, epochOf(owner, ACCOUNT_ID), List.of(pending(null, "10.00", 1), pending("10.00", "12.5", 2)), null)
                .get(30, TimeUnit.SECONDS);

        assertThat(sequences(clients, settings.topic())).containsExactly(1L, 2L);
        RecoveredStates recovered = new StateRecovery(clients).recoverAccount(ACCOUNT_ID, owner.snapshot().spread().statePartitions(),
                Duration.ofSeconds(30));
        StoredState stored = recovered.states().get(ACCOUNT_ID);
        assertThat(stored.published().sequence()).isEqualTo(2);
        assertThat(stored.published().snapshot().total().balanceAmount()).isEqualByComparingTo("12.5");
        assertThat(recovered.problems()).isEmpty();
    }

    @Test
    void anInstanceThatLostItsAccountsToTheGroupCannotCommit() throws Exception {
        TestKafka.Settings settings = TestKafka.Settings.unique(2);
        KafkaClients clients = kafka.clients(settings);
        GroupMembership first = ownerOfFirstEvent(clients);
        // What a paused instance still holds when it wakes up: its old generation.
        ConsumerGroupMetadata stale = first.snapshot().group();

        first.stop(Duration.ofSeconds(10));
        GroupMembership second = member(clients);
        await().atMost(Duration.ofSeconds(30)).until(() -> epochOf(second, ACCOUNT_ID) != OwnershipSnapshot.NONE);
        Ownership zombie = new FixedOwnership(true, stale, 2);

        assertThatThrownBy(() -> publisher(clients, zombie).publish(ACCOUNT_ID, 1, List.of(pending("1", "2", 2)),
                null).get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(PublishException.class)
                .satisfies(e -> assertThat(((PublishException) e).outcome())
                        .isEqualTo(PublishException.Outcome.ABORTED));

        assertThat(sequences(clients, settings.topic())).as("read_committed sees nothing of the zombie")
                .containsExactly(1L);
        RecoveredStates recovered = new StateRecovery(clients).recoverAccount(ACCOUNT_ID, 2, Duration.ofSeconds(30));
        assertThat(recovered.states().get(ACCOUNT_ID).published().sequence()).isEqualTo(1);

        // The rightful owner continues the sequence.
        publisher(clients, second).publish(ACCOUNT_ID, epochOf(second, ACCOUNT_ID), List.of(pending("1", "3", 2)), null)
                .get(30, TimeUnit.SECONDS);
        assertThat(sequences(clients, settings.topic())).containsExactly(1L, 2L);
    }

    @Test
    void anAccountThisInstanceDoesNotOwnIsNeverSent() {
        TestKafka.Settings settings = TestKafka.Settings.unique(2);
        KafkaClients clients = kafka.clients(settings);
        GroupMembership member = member(clients);
        await().atMost(Duration.ofSeconds(30)).until(() -> member.ownedPartitions().size() == 2);
        Ownership nothing = new FixedOwnership(false, member.snapshot().group(), 2);

        assertThatThrownBy(() -> publisher(clients, nothing).publish(ACCOUNT_ID, 1, List.of(pending(null, "1", 1)), null)
                .get(30, TimeUnit.SECONDS)).cause().isInstanceOf(PublishException.class)
                .satisfies(e -> assertThat(((PublishException) e).outcome())
                        .isEqualTo(PublishException.Outcome.NOT_OWNER));
        assertThat(sequences(clients, settings.topic())).isEmpty();
    }

    @Test
    void partitionsAddedToBothTopicsLaterLeaveEveryAccountWhereItsStateAndEventsAre() throws Exception {
        continuesWhereItsStateIsAfterPartitionsWereAdded(false);
    }

    @Test
    void theSpreadOutlivesTheGroupsOffsetsBecauseTheStateRecordsCarryIt() throws Exception {
        continuesWhereItsStateIsAfterPartitionsWereAdded(true);
    }

    /** Publishes sequence 1 on 2 partitions, grows both topics, then a new member publishes sequence 2. */
    private void continuesWhereItsStateIsAfterPartitionsWereAdded(boolean groupDeleted) throws Exception {
        TestKafka.Settings settings = TestKafka.Settings.unique(2);
        KafkaClients clients = kafka.clients(settings);
        GroupMembership first = ownerOfFirstEvent(clients);
        first.stop(Duration.ofSeconds(10));
        // An operator adds partitions to run more instances; with the topics' new count the account would move.
        int grown = IntStream.rangeClosed(3, 16).filter(count -> AccountPartitions.partitionOf(ACCOUNT_ID, count)
                != AccountPartitions.partitionOf(ACCOUNT_ID, 2)).findFirst().orElseThrow();
        try (Admin admin = clients.admin()) {
            admin.createPartitions(Map.of(settings.stateTopicName(), NewPartitions.increaseTo(grown),
                    settings.topic(), NewPartitions.increaseTo(grown))).all().get(30, TimeUnit.SECONDS);
            if (groupDeleted) {
                // kafka-consumer-groups --delete: the marks in the group's offsets are gone with it.
                admin.deleteConsumerGroups(List.of(settings.groupId())).all().get(30, TimeUnit.SECONDS);
            }
        }

        GroupMembership second = member(clients);
        await().atMost(Duration.ofSeconds(30)).until(() -> second.ownedPartitions().size() == grown);
        assertThat(second.snapshot().spread()).as("accounts stay spread over the partitions they were written to")
                .isEqualTo(new PartitionSpread(2, 2));
        RecoveredStates recovered = new StateRecovery(clients).recoverAccount(ACCOUNT_ID,
                second.snapshot().spread().statePartitions(), Duration.ofSeconds(30));
        assertThat(recovered.states().get(ACCOUNT_ID).published().sequence()).as("the state is still found")
                .isEqualTo(1);

        publisher(clients, second).publish(ACCOUNT_ID, epochOf(second, ACCOUNT_ID), List.of(pending("1", "2", 2)), null)
                .get(30, TimeUnit.SECONDS);
        assertThat(new StateRecovery(clients).recoverAccount(ACCOUNT_ID, 2, Duration.ofSeconds(30)).states()
                .get(ACCOUNT_ID).published().sequence()).as("the next state goes where the last one is").isEqualTo(2);
        assertThat(eventPartitions(clients, settings.topic())).as("the next event goes where the first one is")
                .containsExactly(AccountPartitions.partitionOf(ACCOUNT_ID, 2), AccountPartitions.partitionOf(
                        ACCOUNT_ID, 2));
    }

    @Test
    void aMemberStillInTheGroupCannotCommitForAPartitionARebalanceTookThoughKafkaWouldAcceptIt() throws Exception {
        TestKafka.Settings settings = TestKafka.Settings.unique(2);
        KafkaClients clients = kafka.clients(settings);
        String other = IntStream.range(0, 100).mapToObj(i -> "account-" + i).filter(id -> AccountPartitions
                .partitionOf(id, 2) != AccountPartitions.partitionOf(ACCOUNT_ID, 2)).findFirst().orElseThrow();
        GroupMembership first = member(clients);
        await().atMost(Duration.ofSeconds(30)).until(() -> first.ownedPartitions().size() == 2);
        Map<String, Long> epochs = Map.of(ACCOUNT_ID, epochOf(first, ACCOUNT_ID), other, epochOf(first, other));
        TransactionalPublisher publisher = publisher(clients, first);

        GroupMembership second = member(clients);
        await().atMost(Duration.ofSeconds(30)).until(() -> first.ownedPartitions().size() == 1
                && second.ownedPartitions().size() == 1);
        String lost = epochOf(first, ACCOUNT_ID) == OwnershipSnapshot.NONE ? ACCOUNT_ID : other;
        ConsumerGroupMetadata group = first.snapshot().group();
        assertThat(group.generationId()).as("the first member is still in the group, in a valid generation")
                .isPositive();

        assertThatThrownBy(() -> publisher.publish(lost, epochs.get(lost), List.of(pending(null, "1", 1)), null)
                .get(30, TimeUnit.SECONDS)).cause().isInstanceOf(PublishException.class)
                .satisfies(e -> assertThat(((PublishException) e).outcome())
                        .isEqualTo(PublishException.Outcome.NOT_OWNER));
        assertThat(sequences(clients, settings.topic())).isEmpty();

        // What the publisher's own check stands in for: the coordinator takes the same member's offsets for it.
        try (var producer = clients.transactionalProducer("raw-" + settings.groupId())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.sendOffsetsToTransaction(Map.of(new TopicPartition(settings.stateTopicName(),
                    AccountPartitions.partitionOf(lost, 2)), new OffsetAndMetadata(0)), group);
            producer.commitTransaction();
        }
    }

    private static List<Integer> eventPartitions(KafkaClients clients, String topic) {
        List<Integer> partitions = new ArrayList<>();
        try (TopicReader reader = new TopicReader(clients, "test")) {
            reader.readToEnd(reader.partitionsOf(topic, Duration.ofSeconds(10)), Duration.ofSeconds(30), () -> true,
                    record -> partitions.add(record.partition()));
        }
        return partitions;
    }
}
