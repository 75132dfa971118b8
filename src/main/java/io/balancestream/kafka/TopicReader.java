package io.balancestream.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * The one way the service (and its tests) read a topic: given partitions from their start up to their high
 * watermark as of the call, committed records only. Reading up to the high watermark rather than the last stable
 * offset means a transaction still open when the read starts (an instance that was just fenced, say) is waited for
 * and then seen committed or not: nothing written before the read began can surface after it.
 */
public final class TopicReader implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<String, byte[]> consumer;
    /**
     * Asks for high watermarks. A consumer, not the admin client: after a leader dies, an admin ListOffsets call
     * already under way waits out its whole timeout, while the consumer follows the new leader within seconds.
     */
    private final KafkaConsumer<String, byte[]> watermarks;

    public TopicReader(KafkaClients clients, String clientId) {
        this.consumer = clients.reader(clientId, true);
        this.watermarks = clients.reader(clientId + "-watermarks", false);
    }

    public List<TopicPartition> partitionsOf(String topic, Duration timeout) {
        return consumer.partitionsFor(topic, timeout).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
    }

    /** High watermarks (read_uncommitted end offsets) of the partitions. */
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, Duration timeout) {
        // Assigned, so the consumer keeps the answer instead of warning that it has no use for it.
        watermarks.assign(partitions);
        return watermarks.endOffsets(partitions, timeout);
    }

    /**
     * Hands every committed record of the partitions to {@code handler}, oldest first per partition.
     *
     * @param keepGoing checked between polls: false abandons the read (the service is stopping)
     * @return the number of records read
     * @throws TimeoutException when the end is not reached within {@code timeout}
     */
    public long readToEnd(Collection<TopicPartition> partitions, Duration timeout, BooleanSupplier keepGoing,
            Consumer<ConsumerRecord<String, byte[]>> handler) {
        Instant deadline = Instant.now().plus(timeout);
        Map<TopicPartition, Long> ends = endOffsets(partitions, timeout);
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        long read = 0;
        while (keepGoing.getAsBoolean() && !reachedEnd(ends)) {
            if (Instant.now().isAfter(deadline)) {
                throw new TimeoutException("reading " + partitions + " to offsets " + ends + " took longer than "
                        + timeout);
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                read++;
                handler.accept(record);
            }
        }
        consumer.unsubscribe();
        return read;
    }

    private boolean reachedEnd(Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
        watermarks.close(Duration.ofSeconds(2));
    }
}
