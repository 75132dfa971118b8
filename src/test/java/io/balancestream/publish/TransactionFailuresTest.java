package io.balancestream.publish;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import io.balancestream.publish.PublishException.Outcome;

/** What a failed transaction means, decided by the type of what Kafka threw. */
class TransactionFailuresTest {

    @Test
    void aFencedProducerIsReplacedAndItsCommitMayHaveHappened() {
        var beforeCommit = TransactionFailures.classify(new ProducerFencedException("fenced"), false);
        var duringCommit = TransactionFailures.classify(new ProducerFencedException("fenced"), true);

        assertThat(beforeCommit.replaceProducer()).isTrue();
        assertThat(beforeCommit.exception().outcome()).isEqualTo(Outcome.ABORTED);
        assertThat(duringCommit.exception().outcome()).isEqualTo(Outcome.UNKNOWN);
    }

    @Test
    void aCommitThatTimedOutIsUnknownAndASendThatTimedOutIsAborted() {
        assertThat(TransactionFailures.classify(new TimeoutException("slow"), true).exception().outcome())
                .isEqualTo(Outcome.UNKNOWN);
        var send = TransactionFailures.classify(new TimeoutException("slow"), false);
        assertThat(send.exception().outcome()).isEqualTo(Outcome.ABORTED);
        assertThat(send.replaceProducer()).as("an abort is enough").isFalse();
    }

    @Test
    void onlyARefusalOneAccountMayCauseSplitsTheBatch() {
        PublishException tooLarge = TransactionFailures.classify(new RecordTooLargeException("big"), false)
                .exception();
        PublishException retriable = TransactionFailures.classify(new NotEnoughReplicasException("isr"), false)
                .exception();

        assertThat(TransactionFailures.worthSplitting(tooLarge)).isTrue();
        assertThat(tooLarge.refusedByKafka()).isTrue();
        assertThat(TransactionFailures.worthSplitting(retriable)).as("waiting cures it").isFalse();
        assertThat(TransactionFailures.worthSplitting(TransactionFailures.ownershipChanged())).isFalse();
    }

    @Test
    void anUnauthorizedProducerIsReplacedAndReportedAsRefused() {
        var failure = TransactionFailures.classify(new AuthorizationException("no ACL"), false);

        assertThat(failure.replaceProducer()).isTrue();
        assertThat(failure.exception().refusedByKafka()).isTrue();
    }

    @Test
    void aBugIsNotTakenForAKafkaFailure() {
        assertThat(TransactionFailures.classify(new NullPointerException(), false)).isNull();
    }
}
