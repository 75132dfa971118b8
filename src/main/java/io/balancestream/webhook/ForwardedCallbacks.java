package io.balancestream.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import io.balancestream.config.BalanceStreamConfig;
import io.balancestream.config.PartnerAccounts;
import io.balancestream.kafka.KafkaClients;
import io.balancestream.poller.PollingScheduler;
import io.balancestream.poller.PushedPoll;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Verified invoice-ready callbacks that reached an instance which does not poll their account (the load balancer
 * picked it), handed to the instance that does. The receiving instance writes the account id to the webhook topic
 * (one partition) and answers Partner Center once Kafka acknowledged it; every instance reads that topic from its end,
 * and the account's owner polls. Written here because Kafka has the one thing the instances share; an instance that
 * reads a callback for an account it does not poll ignores it. A push is a hint (the scheduled poll stays the
 * backstop): a callback forwarded while its account changes hands may wake nobody.
 */
@ApplicationScoped
public class ForwardedCallbacks implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ForwardedCallbacks.class);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration RETRY = Duration.ofSeconds(2);
    /** Partner Center waits for an answer; past this the callback gets 503 and is delivered again. */
    static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaClients clients;
    private final String topic;
    private final Function<String, PushedPoll> push;
    private final boolean enabled;
    private final String clientId = "balance-stream-webhooks-" + UUID.randomUUID().toString().substring(0, 8);
    /** Counted down by {@link #close()}: ends a pause between attempts at once. */
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> reader;
    private volatile boolean reading;
    private KafkaProducer<String, byte[]> producer;
    private Thread thread;

    @Inject
    ForwardedCallbacks(KafkaClients clients, PollingScheduler scheduler, PartnerAccounts accounts,
            BalanceStreamConfig config) {
        this(clients, scheduler::push, config.pollingEnabled() && !accounts.withWebhook().isEmpty());
    }

    /** @param push what a forwarded callback does here: {@link PollingScheduler#push} in the service */
    public ForwardedCallbacks(KafkaClients clients, Function<String, PushedPoll> push, boolean enabled) {
        this.clients = clients;
        this.topic = clients.config().webhookTopicName();
        this.push = push;
        this.enabled = enabled;
    }

    void onStart(@Observes StartupEvent startup) {
        if (enabled) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent shutdown) {
        close();
    }

    /** Starts reading the webhook topic from its end (waiting for the topic if the service has not created it yet). */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::read, "balance-stream-webhooks");
        thread.setDaemon(true);
        thread.start();
    }

    /** True once this instance reads the topic: a callback forwarded from now on reaches it. */
    public boolean reading() {
        return reading;
    }

    /**
     * Hands a verified invoice-ready on to whichever instance polls the account. Completes when Kafka acknowledged
     * it; fails when Kafka does not within {@link #FORWARD_TIMEOUT}.
     */
    public Uni<Void> forward(String accountId, String resourceUri) {
        return Uni.createFrom().<Void> completionStage(() -> {
            CompletableFuture<Void> sent = new CompletableFuture<>();
            byte[] value = resourceUri == null ? null : resourceUri.getBytes(StandardCharsets.UTF_8);
            producer().send(new ProducerRecord<>(topic, accountId, value), (metadata, failure) -> {
                if (failure == null) {
                    sent.complete(null);
                } else {
                    sent.completeExceptionally(failure);
                }
            });
            return sent;
        })
                // The first send waits for the topic's metadata: not on the event loop.
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .ifNoItem().after(FORWARD_TIMEOUT).fail();
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = clients.producer(clientId);
        }
        return producer;
    }

    @Override
    public void close() {
        Thread current;
        KafkaProducer<String, byte[]> sender;
        synchronized (this) {
            running = false;
            current = thread;
            sender = producer;
            producer = null;
        }
        closed.countDown();
        KafkaConsumer<String, byte[]> consumer = reader;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (current != null) {
            try {
                current.join(RETRY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (sender != null) {
            sender.close(Duration.ofSeconds(2));
        }
    }

    private void read() {
        while (running) {
            try (KafkaConsumer<String, byte[]> consumer = clients.reader(clientId, true)) {
                reader = consumer;
                if (!running) {
                    return;
                }
                List<PartitionInfo> partitions = consumer.partitionsFor(topic);
                if (partitions == null || partitions.isEmpty()) {
                    LOG.debugf("Webhook topic %s does not exist yet", topic);
                    pause();
                    continue;
                }
                List<TopicPartition> assigned = partitions.stream()
                        .map(info -> new TopicPartition(topic, info.partition())).toList();
                consumer.assign(assigned);
                consumer.seekToEnd(assigned);
                assigned.forEach(consumer::position); // from here on, nothing forwarded is missed
                reading = true;
                LOG.debugf("Reading forwarded callbacks from %s", topic);
                while (running) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                        delivered(record);
                    }
                }
            } catch (WakeupException e) {
                // close() was called
            } catch (KafkaException e) {
                if (!running) {
                    return; // close() cut it short
                }
                // Forwarded callbacks are hints: while Kafka is away the scheduled polls go on.
                LOG.warnf("Cannot read forwarded callbacks from %s, trying again in %s: %s", topic, RETRY,
                        e.toString());
                pause();
            } finally {
                reading = false;
                reader = null;
            }
        }
    }

    private void delivered(ConsumerRecord<String, byte[]> record) {
        String accountId = record.key();
        if (accountId == null) {
            return;
        }
        PushedPoll pushed = push.apply(accountId);
        String invoice = record.value() == null ? "" : " (" + new String(record.value(), StandardCharsets.UTF_8) + ")";
        switch (pushed) {
            case NOT_OWNED -> LOG.debugf("Forwarded invoice-ready for account %s: polled elsewhere", accountId);
            case COALESCED -> LOG.debugf("Forwarded invoice-ready for account %s%s: its poll is already asked for",
                    accountId, invoice);
            case WOKE, QUEUED -> LOG.infof("invoice-ready for account %s%s, forwarded by another instance: poll %s",
                    accountId, invoice, pushed == PushedPoll.WOKE ? "now" : "as soon as allowed");
        }
    }

    private void pause() {
        try {
            closed.await(RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
