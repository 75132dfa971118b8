package io.balancestream.publish;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.balancestream.kafka.KafkaClients;
import io.balancestream.observability.Tracing;
import io.balancestream.ownership.GroupMembership;
import io.balancestream.ownership.Ownership;
import io.balancestream.ownership.OwnershipSnapshot;
import io.balancestream.publish.PublishException.Outcome;
import io.balancestream.state.StateRecords;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * Publishes events in Kafka transactions (one {@link TransactionRunner} each): an account's events, its new state
 * record on the compacted state topic and the group offsets of that state partition commit together or not at all.
 * Requests of all accounts queue here and go into one transaction at a time on one thread (a transactional producer
 * runs one transaction at a time); under load that batches many accounts per commit.
 * <p>
 * Kafka's coordinator refuses the offsets of a member whose generation is over, but accepts any partition from a
 * member with the current generation, including one it was just revoked. So every transaction takes one ownership
 * snapshot and publishes only requests whose epoch it still holds, and a revocation waits for the transaction under
 * way, or fences it, before the group may hand the accounts on ({@link #release}).
 * <p>
 * Kafka's own client rather than a SmallRye emitter: fencing needs the group member's metadata in every transaction.
 */
@ApplicationScoped
public class TransactionalPublisher implements EventPublisher {

    private static final Logger LOG = Logger.getLogger(TransactionalPublisher.class);
    private static final int MAX_BATCH = 500;

    private final Ownership ownership;
    private final TransactionRunner transactions;
    private final BlockingQueue<PublishRequest> requests = new LinkedBlockingQueue<>();
    /** Held while a batch is published (its transaction, or the transactions of its split): {@link #release} waits. */
    private final ReentrantLock transaction = new ReentrantLock();
    private volatile boolean running = true;
    private Thread thread;

    @Inject
    TransactionalPublisher(KafkaClients clients, GroupMembership membership, OpenTelemetry telemetry,
            Tracing tracing) {
        this(clients, membership, membership.memberName(), clients::transactionalProducer, telemetry,
                tracing.tracer());
    }

    public TransactionalPublisher(KafkaClients clients, Ownership ownership, String memberName,
            ProducerFactory producers, OpenTelemetry telemetry, Tracer tracer) {
        this.ownership = ownership;
        // Unique per process: fencing follows group membership (the metadata sent with the offsets), not this id.
        String transactionalId = clients.config().groupId() + "-" + memberName + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        this.transactions = new TransactionRunner(new TransactionalProducer(producers, transactionalId),
                new EventRecords(clients.config().topic(), clients.eventSerializer(), telemetry, tracer),
                new StateRecords(clients.config().stateTopicName()), ownership, Clock.systemUTC());
    }

    /**
     * Publishes the account's events in one transaction, in order. Completes once the transaction committed; fails
     * with a {@link PublishException} that says whether anything may have become visible.
     */
    @Override
    public CompletableFuture<Void> publish(String accountId, long epoch, List<PendingEvent> events, Context trace) {
        return enqueue(new PublishRequest(accountId, epoch, events, null, trace, new CompletableFuture<>()));
    }

    /**
     * Stores an App+User account's newest refresh token, sealed, in its state partition, in a transaction fenced like
     * any other: an instance that lost the account cannot overwrite what its new owner stored.
     */
    @Override
    public CompletableFuture<Void> storeRefreshToken(String accountId, long epoch, byte[] sealed) {
        return enqueue(new PublishRequest(accountId, epoch, List.of(), sealed, null, new CompletableFuture<>()));
    }

    private CompletableFuture<Void> enqueue(PublishRequest request) {
        if (!running) {
            request.fail(stopping());
            return request.done();
        }
        ensureStarted();
        requests.add(request);
        return request.done();
    }

    /**
     * The accounts were revoked (their epochs have ended): their queued requests fail as not owned now, and once this
     * returns no transaction of this instance that holds them can still commit. The transaction under way is waited
     * for at most {@code wait}; if it still holds one of them then, it is fenced (aborted, or completed if its commit
     * was already under way) before this returns.
     */
    public void release(Collection<String> accountIds, Duration wait) {
        Set<String> released = Set.copyOf(accountIds);
        if (released.isEmpty()) {
            return;
        }
        List<PublishRequest> stale = new ArrayList<>();
        requests.removeIf(request -> released.contains(request.accountId()) && stale.add(request));
        stale.forEach(PublishRequest::notOwned);
        try {
            if (transaction.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                transaction.unlock();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (transactions.holdsAny(released)) {
            LOG.warnf("A transaction still holds revoked accounts after %s; fencing it so it cannot commit later",
                    wait);
            transactions.fence();
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
        requests.forEach(request -> request.fail(stopping()));
    }

    private static PublishException stopping() {
        return new PublishException(Outcome.ABORTED, "the service is stopping", null);
    }

    private void run() {
        try {
            try {
                transactions.prepare();
            } catch (RuntimeException e) {
                // Kafka is not there yet: the first batch tries again.
                LOG.debugf("The transactional producer is not ready yet: %s", e.toString());
                transactions.close();
            }
            while (running) {
                List<PublishRequest> batch = new ArrayList<>();
                batch.add(requests.take());
                requests.drainTo(batch, MAX_BATCH - 1);
                transaction.lock();
                try {
                    publishBatch(batch);
                } catch (RuntimeException e) {
                    // Never a dead publisher: whatever went wrong fails this batch, not the next. Its outcome is
                    // unknown (it may have failed after the commit), so each account reads its state back first.
                    LOG.errorf(e, "Publishing a batch failed unexpectedly; its accounts re-read their state");
                    transactions.close();
                    batch.forEach(request -> request.fail(new PublishException(Outcome.UNKNOWN,
                            "unexpected failure: " + e, e)));
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
            transactions.close();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * One transaction under one ownership snapshot for the requests it holds; if Kafka refused it for a reason one
     * account's record may cause, each request goes again alone, each under a snapshot of its own.
     */
    private void publishBatch(List<PublishRequest> batch) {
        OwnershipSnapshot snapshot = ownership.snapshot();
        if (!snapshot.canCommit()) {
            batch.forEach(request -> request.fail(new PublishException(Outcome.ABORTED,
                    "this instance is not a member of the consumer group right now", null)));
            return;
        }
        List<PublishRequest> held = new ArrayList<>();
        for (PublishRequest request : batch) {
            if (snapshot.holds(request.accountId(), request.epoch())) {
                held.add(request);
            } else {
                request.notOwned();
            }
        }
        if (held.isEmpty()) {
            return;
        }
        PublishException failure = transactions.commit(held, snapshot);
        if (failure == null) {
            held.forEach(request -> request.done().complete(null));
        } else if (failure.getCause() instanceof TransactionFailures.OwnershipChanged) {
            OwnershipSnapshot now = ownership.snapshot();
            held.forEach(request -> {
                if (now.holds(request.accountId(), request.epoch())) {
                    request.fail(failure);
                } else {
                    request.notOwned();
                }
            });
        } else if (held.size() > 1 && TransactionFailures.worthSplitting(failure)) {
            held.forEach(request -> publishBatch(List.of(request)));
        } else {
            held.forEach(request -> request.fail(failure));
        }
    }
}
