package io.balancestream.event;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.jboss.logging.Logger;

import io.balancestream.balance.PublishedState;
import io.balancestream.event.AccountStateCodec.StoredState;
import io.balancestream.event.PublishException.Outcome;
import io.balancestream.events.BalanceChanged;
import io.balancestream.kafka.KafkaClients;
import io.balancestream.kafka.KafkaFutures;
import io.balancestream.observability.Tracing;
import io.balancestream.ownership.AccountPartitions;
import io.balancestream.ownership.GroupMembership;
import io.balancestream.ownership.Ownership;
import io.balancestream.ownership.PartitionSpread;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * Publishes events in Kafka transactions: each account's events, its new state record on the compacted state topic
 * and the group offsets of that state partition commit together or not at all. The offsets go with this instance's
 * group metadata, so Kafka refuses the commit once the group moved the account elsewhere: a paused or partitioned
 * instance cannot publish for accounts it lost.
 * <p>
 * Requests of all accounts are gathered into one transaction at a time on one thread (a transactional producer runs
 * one transaction at a time); under load that batches many accounts per commit.
 */
@ApplicationScoped
public class TransactionalPublisher implements EventPublisher {

    private static final Logger LOG = Logger.getLogger(TransactionalPublisher.class);
    private static final int MAX_BATCH = 500;
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    /** One account's events, oldest first, with the state each leaves the account in. */
    public record Pending(BalanceChanged event, PublishedState state) {
    }

    /** @param refreshToken a sealed refresh token to store (App+User accounts), or null */
    private record Request(String accountId, List<Pending> events, byte[] refreshToken, Context trace,
            CompletableFuture<Void> done) {
    }

    /** The state topic's record header that marks an account's sealed refresh token (key: refresh-token/{account}). */
    public static final String RECORD_KIND_HEADER = "balance-stream-record";
    public static final String REFRESH_TOKEN_KIND = "refresh-token";

    /** Key of an account's refresh-token record: not the account id, which keys its state record. */
    public static String refreshTokenKey(String accountId) {
        return REFRESH_TOKEN_KIND + "/" + accountId;
    }

    private final KafkaClients clients;
    private final Ownership membership;
    private final String eventTopic;
    private final String stateTopic;
    private final String transactionalId;
    private final Serializer<BalanceChanged> serializer;
    private final OpenTelemetry telemetry;
    private final Tracer tracer;
    private final Clock clock = Clock.systemUTC();
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    /** Held for the duration of a transaction: {@link #awaitCurrentTransaction(Duration)} waits on it. */
    private final ReentrantLock transaction = new ReentrantLock();
    private volatile boolean running = true;
    private KafkaProducer<String, byte[]> producer;
    private Thread thread;

    @Inject
    TransactionalPublisher(KafkaClients clients, GroupMembership membership, OpenTelemetry telemetry,
            Tracing tracing) {
        this(clients, membership, membership.memberName(), telemetry, tracing.tracer());
    }

    public TransactionalPublisher(KafkaClients clients, Ownership membership, String memberName,
            OpenTelemetry telemetry, Tracer tracer) {
        this.telemetry = telemetry;
        this.tracer = tracer;
        this.clients = clients;
        this.membership = membership;
        this.eventTopic = clients.config().topic();
        this.stateTopic = clients.config().stateTopicName();
        // Unique per process: fencing follows group membership (the metadata sent with the offsets), not this id.
        this.transactionalId = clients.config().groupId() + "-" + memberName + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        this.serializer = clients.eventSerializer();
    }

    /**
     * Publishes the account's events in one transaction, in order. Completes once the transaction committed; fails
     * with a {@link PublishException} that says whether anything may have become visible.
     */
    @Override
    public CompletableFuture<Void> publish(String accountId, List<Pending> events, Context trace) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!running) {
            done.completeExceptionally(new PublishException(Outcome.ABORTED, "the service is stopping", null));
            return done;
        }
        ensureStarted();
        requests.add(new Request(accountId, List.copyOf(events), null, trace, done));
        return done;
    }

    /**
     * Stores an App+User account's newest refresh token, sealed, in its state partition, in a transaction fenced like
     * any other: an instance that lost the account cannot overwrite what its new owner stored.
     */
    @Override
    public CompletableFuture<Void> storeRefreshToken(String accountId, byte[] sealed) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!running) {
            done.completeExceptionally(new PublishException(Outcome.ABORTED, "the service is stopping", null));
            return done;
        }
        ensureStarted();
        requests.add(new Request(accountId, List.of(), sealed, null, done));
        return done;
    }

    /**
     * Waits until the transaction in progress, if any, is over (after an account was released), at most
     * {@code max}. Only an optimisation: a transaction that commits later is refused by the group (stale
     * generation) or, if already under way, waited for by the new owner's recovery.
     */
    public void awaitCurrentTransaction(Duration max) {
        try {
            if (transaction.tryLock(max.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                transaction.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts the publishing thread, which readies its transactional producer at once, while the instance still
     * checks the topics and joins the group: the first event need not wait for it.
     */
    public void start() {
        ensureStarted();
    }

    private synchronized void ensureStarted() {
        if (thread == null) {
            thread = new Thread(this::run, "balance-stream-publisher");
            thread.setDaemon(true);
            thread.start();
        }
    }

    @PreDestroy
    public void stop() {
        running = false;
        Thread publisher;
        synchronized (this) {
            publisher = thread;
        }
        if (publisher != null) {
            publisher.interrupt();
            try {
                publisher.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        requests.forEach(request -> request.done().completeExceptionally(new PublishException(Outcome.ABORTED,
                "the service is stopping", null)));
    }

    private void run() {
        try {
            try {
                producer();
            } catch (RuntimeException e) {
                // Kafka is not there yet: the first batch tries again.
                LOG.debugf("The transactional producer is not ready yet: %s", e.toString());
                closeProducer();
            }
            while (running) {
                List<Request> batch = new ArrayList<>();
                batch.add(requests.take());
                requests.drainTo(batch, MAX_BATCH - 1);
                transaction.lock();
                try {
                    publishBatch(batch);
                } catch (RuntimeException e) {
                    // Never a dead publisher: whatever went wrong fails this batch, not the next. Its outcome is
                    // unknown (it may have failed after the commit), so each account reads its state back first.
                    LOG.errorf(e, "Publishing a batch failed unexpectedly; its accounts re-read their state");
                    closeProducer();
                    batch.forEach(request -> request.done().completeExceptionally(new PublishException(
                            Outcome.UNKNOWN, "unexpected failure: " + e, e)));
                } finally {
                    transaction.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // stop() interrupts the wait for work; with the flag still set Kafka's close would be cut short (an
            // ERROR "Interrupted while joining ioThread" and a producer left half closed at every stop).
            boolean interrupted = Thread.interrupted();
            closeProducer();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void publishBatch(List<Request> batch) {
        List<Request> owned = new ArrayList<>();
        for (Request request : batch) {
            if (membership.owns(request.accountId())) {
                owned.add(request);
            } else {
                request.done().completeExceptionally(new PublishException(Outcome.NOT_OWNER, "account "
                        + request.accountId() + " is not owned by this instance any more", null));
            }
        }
        if (owned.isEmpty()) {
            return;
        }
        PublishException failure = commit(owned);
        if (failure == null) {
            owned.forEach(request -> request.done().complete(null));
        } else if (owned.size() > 1 && failure.outcome() == Outcome.ABORTED
                && !(failure.getCause() instanceof RetriableException)) {
            // One account's record (too large, say) must not hold back the others: each goes alone.
            for (Request request : owned) {
                PublishException alone = commit(List.of(request));
                if (alone == null) {
                    request.done().complete(null);
                } else {
                    request.done().completeExceptionally(alone);
                }
            }
        } else {
            owned.forEach(request -> request.done().completeExceptionally(failure));
        }
    }

    /** One transaction for the batch; null when it committed. */
    private PublishException commit(List<Request> batch) {
        ConsumerGroupMetadata group = membership.groupMetadata();
        if (group == null) {
            return new PublishException(Outcome.ABORTED, "this instance is not in the consumer group yet", null);
        }
        boolean committing = false;
        List<Span> spans = new ArrayList<>();
        try {
            KafkaProducer<String, byte[]> transactional = producer();
            transactional.beginTransaction();
            Map<TopicPartition, OffsetAndMetadata> offsets = sendAll(transactional, batch, spans);
            transactional.sendOffsetsToTransaction(offsets, group);
            committing = true;
            transactional.commitTransaction();
            spans.forEach(Span::end);
            return null;
        } catch (ProducerFencedException | InvalidProducerEpochException | OutOfOrderSequenceException
                | UnsupportedVersionException | AuthorizationException | AuthenticationException e) {
            // The producer cannot go on; a new one with the same transactional id aborts what this one left open.
            closeProducer();
            return failed(spans, new PublishException(committing ? Outcome.UNKNOWN : Outcome.ABORTED, describe(e), e));
        } catch (KafkaException | IllegalStateException e) {
            if (committing) {
                // A commit that failed or timed out may still complete: only the state topic can tell.
                closeProducer();
                return failed(spans, new PublishException(Outcome.UNKNOWN, describe(e), e));
            }
            abort();
            return failed(spans, new PublishException(Outcome.ABORTED, describe(e), e));
        }
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
     * sealed refresh token goes to that partition too.
     */
    private Map<TopicPartition, OffsetAndMetadata> sendAll(KafkaProducer<String, byte[]> transactional,
            List<Request> batch, List<Span> spans) {
        Map<Request, Future<RecordMetadata>> lastEvents = new LinkedHashMap<>();
        PartitionSpread spread = membership.spread();
        if (spread == null) {
            throw new IllegalStateException("no partition was assigned to this instance yet");
        }
        int statePartitions = spread.statePartitions();
        List<Future<RecordMetadata>> states = new ArrayList<>();
        for (Request request : batch) {
            if (request.refreshToken() != null) {
                RecordHeaders headers = new RecordHeaders();
                headers.add(RECORD_KIND_HEADER, REFRESH_TOKEN_KIND.getBytes(StandardCharsets.UTF_8));
                states.add(transactional.send(new ProducerRecord<>(stateTopic, AccountPartitions.partitionOf(
                        request.accountId(), statePartitions), refreshTokenKey(request.accountId()),
                        request.refreshToken(), headers)));
            }
            if (request.events().isEmpty()) {
                continue;
            }
            int eventPartition = AccountPartitions.partitionOf(request.accountId(), spread.eventPartitions());
            Future<RecordMetadata> last = null;
            for (Pending pending : request.events()) {
                last = transactional.send(eventRecord(pending.event(), eventPartition, request.trace(), spans));
            }
            lastEvents.put(request, last);
        }
        for (Map.Entry<Request, Future<RecordMetadata>> entry : lastEvents.entrySet()) {
            Request request = entry.getKey();
            RecordMetadata event = KafkaFutures.await(entry.getValue(), SEND_TIMEOUT);
            PublishedState state = request.events().get(request.events().size() - 1).state();
            byte[] value = AccountStateCodec.encode(new StoredState(request.accountId(), state, event.partition(),
                    event.offset()), clock.instant());
            states.add(transactional.send(new ProducerRecord<>(stateTopic,
                    AccountPartitions.partitionOf(request.accountId(), statePartitions), request.accountId(), value)));
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Future<RecordMetadata> state : states) {
            RecordMetadata written = KafkaFutures.await(state, SEND_TIMEOUT);
            offsets.merge(new TopicPartition(written.topic(), written.partition()),
                    new OffsetAndMetadata(written.offset() + 1, spread.mark()),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }

    /**
     * The record of an event on its account's partition (where its earlier events are, even after partitions were
     * added), with a producer span under the poll's trace; the traceparent header carries it on.
     */
    private ProducerRecord<String, byte[]> eventRecord(BalanceChanged event, int partition, Context trace,
            List<Span> spans) {
        RecordHeaders headers = new RecordHeaders();
        byte[] value = serializer.serialize(eventTopic, headers, event);
        if (trace != null) {
            Span span = tracer.spanBuilder(eventTopic + " publish").setParent(trace).setSpanKind(SpanKind.PRODUCER)
                    .setAttribute("messaging.system", "kafka")
                    .setAttribute("messaging.destination.name", eventTopic)
                    .setAttribute("messaging.kafka.message.key", event.getAccountId())
                    .startSpan();
            spans.add(span);
            telemetry.getPropagators().getTextMapPropagator().inject(trace.with(span), headers,
                    (carrier, key, header) -> carrier.remove(key).add(key, header.getBytes(StandardCharsets.UTF_8)));
        }
        return new ProducerRecord<>(eventTopic, partition, event.getAccountId(), value, headers);
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            KafkaProducer<String, byte[]> created = clients.transactionalProducer(transactionalId);
            try {
                created.initTransactions();
            } catch (KafkaException e) {
                created.close(Duration.ZERO);
                throw e;
            }
            producer = created;
            LOG.infof("Transactional producer %s ready", transactionalId);
        }
        return producer;
    }

    private void abort() {
        if (producer == null) {
            return;
        }
        try {
            producer.abortTransaction();
        } catch (KafkaException | IllegalStateException e) {
            LOG.warnf("Could not abort the transaction (%s); the producer is replaced, which aborts it", e.toString());
            closeProducer();
        }
    }

    private void closeProducer() {
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(2));
            } catch (KafkaException e) {
                LOG.debugf("Closing the producer: %s", e.toString());
            }
            producer = null;
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
