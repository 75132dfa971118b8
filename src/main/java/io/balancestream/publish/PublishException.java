package io.balancestream.publish;

/** A transaction that did not commit, with what is known about its outcome. */
public final class PublishException extends RuntimeException {

    public enum Outcome {
        /** Nothing of it is visible to read_committed consumers: publish the same events again. */
        ABORTED,
        /** It may or may not have committed: read the account's state back before publishing anything else. */
        UNKNOWN,
        /** This instance does not own the account (any more): it must not publish for it. */
        NOT_OWNER
    }

    private final Outcome outcome;

    public PublishException(Outcome outcome, String message, Throwable cause) {
        super(message, cause, false, false);
        this.outcome = outcome;
    }

    public Outcome outcome() {
        return outcome;
    }

    /**
     * True when Kafka answered and said no for a reason that waiting does not cure (record too large, not
     * authorized, invalid topic): a person must act. False when Kafka was unreachable or slow, or fenced us.
     */
    public boolean refusedByKafka() {
        Throwable cause = getCause();
        return cause instanceof org.apache.kafka.common.errors.ApiException
                && !(cause instanceof org.apache.kafka.common.errors.RetriableException)
                && !(cause instanceof org.apache.kafka.common.errors.ProducerFencedException)
                && !(cause instanceof org.apache.kafka.clients.consumer.CommitFailedException)
                && !(cause instanceof org.apache.kafka.common.errors.RebalanceInProgressException);
    }
}
