package io.balancestream.publish;

import java.time.Duration;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.jboss.logging.Logger;

/**
 * The one transactional producer of this instance, made on first use and replaced after a failure it cannot go on
 * from. Only the publisher's thread uses it, except {@link #fence()}, which any thread may call.
 */
final class TransactionalProducer {

    private static final Logger LOG = Logger.getLogger(TransactionalProducer.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

    private final ProducerFactory factory;
    private final String transactionalId;
    private Producer<String, byte[]> producer;

    TransactionalProducer(ProducerFactory factory, String transactionalId) {
        this.factory = factory;
        this.transactionalId = transactionalId;
    }

    String transactionalId() {
        return transactionalId;
    }

    /** The producer, made and readied for transactions if there is none. */
    Producer<String, byte[]> get() {
        if (producer == null) {
            producer = initialized();
            LOG.infof("Transactional producer %s ready", transactionalId);
        }
        return producer;
    }

    private Producer<String, byte[]> initialized() {
        Producer<String, byte[]> created = factory.create(transactionalId);
        try {
            created.initTransactions();
            return created;
        } catch (KafkaException e) {
            created.close(Duration.ZERO);
            throw e;
        }
    }

    /** Aborts the open transaction; a producer that cannot abort is replaced, which aborts it too. */
    void abort() {
        if (producer == null) {
            return;
        }
        try {
            producer.abortTransaction();
        } catch (KafkaException | IllegalStateException e) {
            LOG.warnf("Could not abort the transaction (%s); the producer is replaced, which aborts it", e.toString());
            close();
        }
    }

    void close() {
        if (producer != null) {
            try {
                producer.close(CLOSE_TIMEOUT);
            } catch (KafkaException e) {
                LOG.debugf("Closing the producer: %s", e.toString());
            }
            producer = null;
        }
    }

    /**
     * Ends whatever transaction the producer has open, from another thread: a second producer with the same
     * transactional id registers with the transaction coordinator, which bumps the producer epoch. The open
     * transaction is aborted (or, if its commit was already under way, completed) before this returns, and the
     * producer in use can commit nothing more: its next call fails as fenced and the publisher replaces it.
     *
     * @return false when Kafka could not be reached to fence (the coordinator aborts the transaction at its timeout)
     */
    boolean fence() {
        try {
            Producer<String, byte[]> fencer = initialized();
            fencer.close(CLOSE_TIMEOUT);
            return true;
        } catch (KafkaException e) {
            LOG.errorf("Could not fence the transaction of %s: %s; Kafka aborts it after the transaction timeout",
                    transactionalId, e.toString());
            return false;
        }
    }
}
