package io.balancestream.publish;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

import io.balancestream.publish.PublishException.Outcome;

/** What a failed transaction means, by the type of what Kafka threw: its outcome, and whether the producer can go on. */
final class TransactionFailures {

    /** A transaction that did not commit, and whether its producer must be replaced (else it is aborted). */
    record Failure(PublishException exception, boolean replaceProducer) {
    }

    /** The transaction was aborted because ownership changed under it: its accounts are looked at again. */
    static final class OwnershipChanged extends RuntimeException {
        OwnershipChanged() {
            super("ownership changed during the transaction", null, false, false);
        }
    }

    private TransactionFailures() {
    }

    /**
     * @param committing true when the commit itself was requested: it may have completed even though it failed here
     * @return null for a failure that is not Kafka's (a bug): the caller's catch-all handles it
     */
    static Failure classify(RuntimeException e, boolean committing) {
        if (e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException
                || e instanceof OutOfOrderSequenceException || e instanceof UnsupportedVersionException
                || e instanceof AuthorizationException || e instanceof AuthenticationException) {
            // The producer cannot go on; a new one with the same transactional id aborts what this one left open.
            return new Failure(new PublishException(committing ? Outcome.UNKNOWN : Outcome.ABORTED, describe(e), e),
                    true);
        }
        if (e instanceof KafkaException || e instanceof IllegalStateException) {
            // A commit that failed or timed out may still complete: only the state topic can tell.
            return committing ? new Failure(new PublishException(Outcome.UNKNOWN, describe(e), e), true)
                    : new Failure(new PublishException(Outcome.ABORTED, describe(e), e), false);
        }
        return null;
    }

    /**
     * Whether the requests of an aborted batch go again one by one: when one account's record was refused (too large,
     * say) it must not hold back the others. Not when waiting cures it or ownership changed.
     */
    static boolean worthSplitting(PublishException failure) {
        return failure.outcome() == Outcome.ABORTED && !(failure.getCause() instanceof RetriableException)
                && !(failure.getCause() instanceof OwnershipChanged);
    }

    static PublishException ownershipChanged() {
        return new PublishException(Outcome.ABORTED, "ownership changed during the transaction; not committed",
                new OwnershipChanged());
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
