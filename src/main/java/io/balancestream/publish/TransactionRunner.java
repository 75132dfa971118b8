package io.balancestream.publish;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

import io.balancestream.kafka.KafkaFutures;
import io.balancestream.ownership.Ownership;
import io.balancestream.ownership.OwnershipSnapshot;
import io.balancestream.ownership.PartitionSpread;
import io.balancestream.state.AccountStateCodec.StoredState;
import io.balancestream.state.StateRecords;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;

/**
 * Runs one Kafka transaction for requests already checked against one ownership snapshot: each account's events,
 * then its state record (which names where its last event landed), and the group offsets of those state partitions
 * with the snapshot's group metadata, so the coordinator refuses the offsets of a member whose generation is over.
 * Right before the commit every request's epoch must still be held; a revocation after that check waits for the
 * commit or, when it cannot wait, {@link #fence() fences} the transaction.
 */
final class TransactionRunner {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final TransactionalProducer producer;
    private final EventRecords events;
    private final StateRecords states;
    private final Ownership ownership;
    private final Clock clock;
    /** The accounts of the transaction under way (written before its last ownership check, read by revocations). */
    private volatile Set<String> inFlight = Set.of();

    TransactionRunner(TransactionalProducer producer, EventRecords events, StateRecords states, Ownership ownership,
            Clock clock) {
        this.producer = producer;
        this.events = events;
        this.states = states;
        this.ownership = ownership;
        this.clock = clock;
    }

    /** Readies the producer ahead of the first transaction; Kafka not there yet is not an error. */
    void prepare() {
        producer.get();
    }

    /** One transaction for the batch under the snapshot; null when it committed. */
    PublishException commit(List<PublishRequest> batch, OwnershipSnapshot snapshot) {
        inFlight = batch.stream().map(PublishRequest::accountId).collect(Collectors.toUnmodifiableSet());
        boolean committing = false;
        List<Span> spans = new ArrayList<>();
        try {
            Producer<String, byte[]> transactional = producer.get();
            transactional.beginTransaction();
            Map<TopicPartition, OffsetAndMetadata> offsets = sendAll(transactional, batch, snapshot.spread(), spans);
            transactional.sendOffsetsToTransaction(offsets, snapshot.group());
            if (!stillCurrent(batch)) {
                producer.abort();
                return failed(spans, TransactionFailures.ownershipChanged());
            }
            committing = true;
            transactional.commitTransaction();
            spans.forEach(Span::end);
            return null;
        } catch (RuntimeException e) {
            TransactionFailures.Failure failure = TransactionFailures.classify(e, committing);
            if (failure == null) {
                producer.close(); // not Kafka's failure: whatever the producer holds is abandoned with it
                throw e;
            }
            if (failure.replaceProducer()) {
                producer.close();
            } else {
                producer.abort();
            }
            return failed(spans, failure.exception());
        } finally {
            inFlight = Set.of();
        }
    }

    /** True when the transaction under way holds one of the accounts. */
    boolean holdsAny(Set<String> accountIds) {
        return inFlight.stream().anyMatch(accountIds::contains);
    }

    /** Ends the transaction under way from another thread; see {@link TransactionalProducer#fence()}. */
    boolean fence() {
        return producer.fence();
    }

    void close() {
        producer.close();
    }

    /**
     * Every request's epoch is still held. A new generation alone is no reason to abort: Kafka accepted the offsets
     * under the generation that was current, and partitions kept through a rebalance keep their epoch.
     */
    private boolean stillCurrent(List<PublishRequest> batch) {
        OwnershipSnapshot now = ownership.snapshot();
        return batch.stream().allMatch(request -> now.holds(request.accountId(), request.epoch()));
    }

    private static PublishException failed(List<Span> spans, PublishException failure) {
        spans.forEach(span -> {
            span.setStatus(StatusCode.ERROR, failure.outcome().name());
            span.end();
        });
        return failure;
    }

    /**
     * Events first (their offsets go into the state), then one state record per account on its own partition; a
     * sealed refresh token goes to that partition too. Returns the group offsets to commit.
     */
    private Map<TopicPartition, OffsetAndMetadata> sendAll(Producer<String, byte[]> transactional,
            List<PublishRequest> batch, PartitionSpread spread, List<Span> spans) {
        Map<PublishRequest, Future<RecordMetadata>> lastEvents = new LinkedHashMap<>();
        List<Future<RecordMetadata>> written = new ArrayList<>();
        for (PublishRequest request : batch) {
            if (request.refreshToken() != null) {
                written.add(transactional.send(states.refreshToken(request.accountId(), request.refreshToken(),
                        spread)));
            }
            if (request.events().isEmpty()) {
                continue;
            }
            int partition = EventRecords.partition(request.accountId(), spread);
            Future<RecordMetadata> last = null;
            for (PendingEvent pending : request.events()) {
                last = transactional.send(events.record(pending.event(), partition, request.trace(), spans));
            }
            lastEvents.put(request, last);
        }
        for (Map.Entry<PublishRequest, Future<RecordMetadata>> entry : lastEvents.entrySet()) {
            PublishRequest request = entry.getKey();
            RecordMetadata event = KafkaFutures.await(entry.getValue(), SEND_TIMEOUT);
            PendingEvent last = request.events().get(request.events().size() - 1);
            written.add(transactional.send(states.state(new StoredState(request.accountId(), last.state(),
                    event.partition(), event.offset()), spread, clock.instant())));
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Future<RecordMetadata> state : written) {
            RecordMetadata record = KafkaFutures.await(state, SEND_TIMEOUT);
            offsets.merge(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1, spread.mark()),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }
}
