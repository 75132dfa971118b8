package io.balancestream.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.balancestream.balance.AccountSummary;
import io.balancestream.balance.BalanceTransition;
import io.balancestream.balance.BalanceChange;
import io.balancestream.balance.SummaryFigures;
import io.balancestream.config.Cloud;
import io.balancestream.config.PartnerAccount;
import io.balancestream.event.BalanceEventMapper;
import io.balancestream.events.BalanceChanged;
import io.balancestream.events.PollTrigger;
import io.balancestream.kafka.KafkaClients;
import io.balancestream.kafka.TestKafka;
import io.balancestream.ownership.AccountPartitions;
import io.balancestream.ownership.Ownership;
import io.balancestream.ownership.OwnershipSnapshot;
import io.balancestream.ownership.PartitionSpread;
import io.balancestream.publish.PublishException.Outcome;
import io.opentelemetry.api.OpenTelemetry;

/**
 * The publisher's side of the hand-off, in milliseconds, with Kafka's own MockProducer in place of the broker and an
 * ownership that changes exactly when a test says: every transaction takes one snapshot, nothing commits for an
 * account whose epoch ended (in a batch, in a split, queued, regained since), and a revocation that cannot wait fences
 * the commit under way. TransactionalPublisherTest shows the same rules against a real broker and group.
 */
class OwnershipFencingTest {

    private static final int PARTITIONS = 4;
    private static final PartitionSpread SPREAD = new PartitionSpread(PARTITIONS, PARTITIONS);
    /** Four accounts on four different state partitions. */
    private static final List<String> ACCOUNTS = IntStream.range(0, 100).mapToObj(i -> "account-" + i)
            .filter(new java.util.function.Predicate<String>() {
                private final Set<Integer> seen = new java.util.HashSet<>();

                @Override
                public boolean test(String id) {
                    return seen.add(AccountPartitions.partitionOf(id, PARTITIONS));
                }
            }).limit(4).toList();
    private static final String A = ACCOUNTS.get(0);
    private static final String B = ACCOUNTS.get(1);
    private static final String C = ACCOUNTS.get(2);
    /** Keeps the publisher busy while the requests of a test queue up, so that they go out as one batch. */
    private static final String D = ACCOUNTS.get(3);

    private final TestKafka.Settings settings = TestKafka.Settings.unique(PARTITIONS);
    private final KafkaClients clients = new KafkaClients(Map.of(), settings);
    private final MutableOwnership ownership = new MutableOwnership();
    private final ProducersById producers = new ProducersById();
    private final TransactionalPublisher publisher = new TransactionalPublisher(clients, ownership, "unit",
            producers, OpenTelemetry.noop(), OpenTelemetry.noop().getTracer("unit"));

    @AfterEach
    void stop() {
        publisher.stop();
    }

    @Test
    void anAccountLostInTheMiddleOfABatchHasNothingCommitted() throws Exception {
        ownership.own(1, A, B, D);
        producers.onSend = record -> {
            if (A.equals(record.key())) {
                ownership.lose(A); // the group moved A while its event was being sent
            }
        };

        List<CompletableFuture<Void>> batch = inOneBatch(() -> List.of(
                publisher.publish(A, 1, List.of(pending(A, 2)), null),
                publisher.publish(B, 1, List.of(pending(B, 2)), null)));
        CompletableFuture<Void> a = batch.get(0);
        CompletableFuture<Void> b = batch.get(1);

        assertThat(outcome(a)).isEqualTo(Outcome.NOT_OWNER);
        assertThat(outcome(b)).as("aborted with A; its loop sends it again").isEqualTo(Outcome.ABORTED);
        assertThat(producers.committedEvents(A)).as("the transaction that held A was not committed").isEmpty();
        assertThat(producers.committedEvents(B)).isEmpty();
    }

    @Test
    void aSplitBatchChecksEveryRequestAgainstTheOwnershipOfItsOwnTransaction() throws Exception {
        ownership.own(1, A, B, C, D);
        int[] refusals = {0};
        producers.refuse = record -> {
            if (!A.equals(record.key()) || !record.topic().equals(settings.topic())) {
                return null;
            }
            if (++refusals[0] == 2) {
                // A's own transaction in the split: meanwhile the group moved C to another instance.
                ownership.lose(C);
            }
            return new RecordTooLargeException("event of " + A + " is larger than the topic accepts");
        };
        List<CompletableFuture<Void>> batch = inOneBatch(() -> List.of(
                publisher.publish(A, 1, List.of(pending(A, 2)), null),
                publisher.publish(B, 1, List.of(pending(B, 2)), null),
                publisher.publish(C, 1, List.of(pending(C, 2)), null)));
        CompletableFuture<Void> a = batch.get(0);
        CompletableFuture<Void> b = batch.get(1);
        CompletableFuture<Void> c = batch.get(2);

        b.get(10, TimeUnit.SECONDS);
        assertThat(outcome(a)).isEqualTo(Outcome.ABORTED);
        assertThat(outcome(c)).as("lost while the split ran: never committed by it").isEqualTo(Outcome.NOT_OWNER);
        assertThat(refusals[0]).as("refused in the batch, then alone").isEqualTo(2);
        assertThat(producers.committed()).extracting(ProducerRecord::key).as("besides D's, only B's event and state")
                .containsExactly(D, D, B, B);
    }

    @Test
    void aQueuedRequestOfAnAccountLostAndRegainedSinceIsNeverPublished() throws Exception {
        ownership.own(1, A, B);
        producers.blockFirstSend();
        CompletableFuture<Void> b = publisher.publish(B, 1, List.of(pending(B, 2)), null); // holds the publisher
        producers.awaitBlocked();
        CompletableFuture<Void> stale = publisher.publish(A, 1, List.of(pending(A, 8)), null);

        ownership.lose(A);
        ownership.own(2, A); // regained: recovery read sequence 7, the new loop publishes 8 in epoch 2
        CompletableFuture<Void> fresh = publisher.publish(A, 2, List.of(pending(A, 8)), null);
        producers.releaseFirstSend();

        b.get(10, TimeUnit.SECONDS);
        fresh.get(10, TimeUnit.SECONDS);
        assertThat(outcome(stale)).isEqualTo(Outcome.NOT_OWNER);
        assertThat(producers.committedEvents(A)).as("sequence 8 once, from the new epoch").containsExactly(8L);
    }

    @Test
    void releasingAnAccountFailsItsQueuedRequestsAtOnce() throws Exception {
        ownership.own(1, A, B);
        producers.blockFirstSend();
        CompletableFuture<Void> b = publisher.publish(B, 1, List.of(pending(B, 2)), null);
        producers.awaitBlocked();
        CompletableFuture<Void> queued = publisher.publish(A, 1, List.of(pending(A, 2)), null);

        ownership.lose(A);
        publisher.release(List.of(A), Duration.ofMillis(50));

        assertThat(queued).as("failed by the release, while the publisher is still busy").isCompletedExceptionally();
        assertThat(outcome(queued)).isEqualTo(Outcome.NOT_OWNER);
        producers.releaseFirstSend();
        b.get(10, TimeUnit.SECONDS);
        assertThat(producers.committedEvents(A)).isEmpty();
    }

    @Test
    void aMemberWithoutAGenerationCommitsNothing() throws Exception {
        ownership.set(new OwnershipSnapshot(new ConsumerGroupMetadata(settings.groupId(), -1, "", Optional.empty()),
                SPREAD, Map.of(AccountPartitions.partitionOf(A, PARTITIONS), 1L)));

        assertThat(outcome(publisher.publish(A, 1, List.of(pending(A, 2)), null))).isEqualTo(Outcome.ABORTED);
        assertThat(producers.all).allSatisfy(producer -> assertThat(producer.history()).isEmpty());
    }

    @Test
    void aRevocationThatCannotWaitForTheCommitFencesItBeforeReturning() throws Exception {
        ownership.own(1, A);
        CountDownLatch commitStarted = new CountDownLatch(1);
        CountDownLatch commitGoesOn = new CountDownLatch(1);
        producers.beforeCommit = () -> {
            commitStarted.countDown();
            await(commitGoesOn);
        };
        CompletableFuture<Void> a = publisher.publish(A, 1, List.of(pending(A, 2)), null);
        assertThat(commitStarted.await(10, TimeUnit.SECONDS)).isTrue();

        ownership.lose(A);
        publisher.release(List.of(A), Duration.ofMillis(200));

        assertThat(producers.all).as("a second producer with the same transactional id registered: the fence")
                .hasSizeGreaterThanOrEqualTo(2);
        assertThat(producers.all.get(0).fenced).isTrue();
        commitGoesOn.countDown();
        assertThat(outcome(a)).as("the commit ran into the fence").isEqualTo(Outcome.UNKNOWN);
        assertThat(producers.committed()).isEmpty();
    }

    /** The requests {@code enqueue} makes go out in one transaction: they queue while D's transaction runs. */
    private List<CompletableFuture<Void>> inOneBatch(java.util.function.Supplier<List<CompletableFuture<Void>>> enqueue)
            throws Exception {
        producers.blockFirstSend();
        CompletableFuture<Void> d = publisher.publish(D, 1, List.of(pending(D, 2)), null);
        producers.awaitBlocked();
        List<CompletableFuture<Void>> queued = enqueue.get();
        producers.releaseFirstSend();
        d.get(10, TimeUnit.SECONDS);
        return queued;
    }

    private static Outcome outcome(CompletableFuture<Void> future) throws InterruptedException {
        try {
            future.get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected the request to fail, but it committed");
        } catch (java.util.concurrent.ExecutionException e) {
            return ((PublishException) e.getCause()).outcome();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the request never completed", e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static PendingEvent pending(String accountId, long sequence) {
        PartnerAccount account = new PartnerAccount(accountId, "tenant", "client", "secret", Cloud.GLOBAL,
                Cloud.GLOBAL.apiUrl(), Cloud.GLOBAL.tokenUrl("tenant"), Cloud.GLOBAL.scope());
        BalanceTransition transition = new BalanceTransition(snapshot("1"), snapshot(Long.toString(sequence)),
                Set.of(BalanceChange.BALANCE), sequence);
        BalanceChanged event = BalanceEventMapper.toEvent(account, transition, "request", "correlation",
                Instant.parse("2026-12-04T10:00:00Z"), PollTrigger.SCHEDULE);
        return new PendingEvent(event, transition.published());
    }

    private static AccountSummary snapshot(String amount) {
        return new AccountSummary(new SummaryFigures(new BigDecimal(amount), "EUR", "€", null, null, null, null,
                null), List.of());
    }

    /** Ownership as the group member would publish it: one snapshot, replaced whole. */
    private final class MutableOwnership implements Ownership {
        private volatile OwnershipSnapshot snapshot = OwnershipSnapshot.EMPTY;
        private int generation = 1;

        @Override
        public OwnershipSnapshot snapshot() {
            return snapshot;
        }

        void set(OwnershipSnapshot next) {
            snapshot = next;
        }

        /** The accounts' partitions are gained in {@code epoch}, in a new generation. */
        synchronized void own(long epoch, String... accountIds) {
            Map<Integer, Long> epochs = new HashMap<>(snapshot.epochs());
            for (String accountId : accountIds) {
                epochs.put(AccountPartitions.partitionOf(accountId, PARTITIONS), epoch);
            }
            snapshot = new OwnershipSnapshot(group(++generation), SPREAD, epochs);
        }

        /** A rebalance took the account's partition away; the member goes on in a new, valid generation. */
        synchronized void lose(String accountId) {
            Map<Integer, Long> epochs = new HashMap<>(snapshot.epochs());
            epochs.remove(AccountPartitions.partitionOf(accountId, PARTITIONS));
            snapshot = new OwnershipSnapshot(group(++generation), SPREAD, epochs);
        }

        private ConsumerGroupMetadata group(int generationId) {
            return new ConsumerGroupMetadata(settings.groupId(), generationId, "member-1", Optional.empty());
        }
    }

    /**
     * Kafka's MockProducer per transactional id, standing in for the transaction coordinator where the tests need
     * it: a producer that initializes fences the earlier ones with its id.
     */
    private static final class ProducersById implements ProducerFactory {
        final List<ScriptedProducer> all = new CopyOnWriteArrayList<>();
        volatile Consumer<ProducerRecord<String, byte[]>> onSend = record -> {
        };
        volatile java.util.function.Function<ProducerRecord<String, byte[]>, RuntimeException> refuse = record -> null;
        volatile Runnable beforeCommit = () -> {
        };
        private final CountDownLatch firstSendBlocked = new CountDownLatch(1);
        private volatile CountDownLatch firstSendGoesOn;

        @Override
        public ScriptedProducer create(String transactionalId) {
            ScriptedProducer producer = new ScriptedProducer(this);
            all.add(producer);
            return producer;
        }

        void blockFirstSend() {
            firstSendGoesOn = new CountDownLatch(1);
        }

        void awaitBlocked() throws InterruptedException {
            assertThat(firstSendBlocked.await(10, TimeUnit.SECONDS)).isTrue();
        }

        void releaseFirstSend() {
            firstSendGoesOn.countDown();
        }

        /** Records of committed transactions, of every producer, in order. */
        List<ProducerRecord<String, byte[]>> committed() {
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
            all.forEach(producer -> records.addAll(producer.history()));
            return records;
        }

        List<Long> committedEvents(String accountId) {
            return committed().stream().filter(record -> accountId.equals(record.key()))
                    .filter(record -> record.headers().lastHeader(PartitionSpread.HEADER) == null) // not state
                    .map(record -> new io.balancestream.event.BalanceChangedDeserializer().deserialize(
                            record.topic(), record.value()).getSequence())
                    .toList();
        }

        void fenceOthers(ScriptedProducer initialized) {
            all.stream().filter(producer -> producer != initialized).forEach(ScriptedProducer::fence);
        }
    }

    private static final class ScriptedProducer extends MockProducer<String, byte[]> {
        private final ProducersById producers;
        volatile boolean fenced;

        ScriptedProducer(ProducersById producers) {
            super(true, null, new StringSerializer(), new ByteArraySerializer());
            this.producers = producers;
        }

        @Override
        public void initTransactions() {
            super.initTransactions();
            producers.fenceOthers(this);
        }

        void fence() {
            fenced = true;
            fenceProducer();
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
            CountDownLatch goesOn = producers.firstSendGoesOn;
            if (goesOn != null && producers.firstSendBlocked.getCount() > 0) {
                producers.firstSendBlocked.countDown();
                OwnershipFencingTest.await(goesOn);
            }
            producers.onSend.accept(record);
            RuntimeException refused = producers.refuse.apply(record);
            if (refused != null) {
                return CompletableFuture.failedFuture(refused);
            }
            return super.send(record, callback);
        }

        @Override
        public void commitTransaction() {
            producers.beforeCommit.run();
            super.commitTransaction();
        }
    }
}
