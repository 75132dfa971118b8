package io.balancestream.ownership;

import java.util.Collection;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many partitions of the state topic and of the event topic the accounts are spread over: the counts the topics
 * had when the first states and events were written, not the counts of today. Kafka lets an operator add partitions
 * to a topic, and with a topic's new count an account would hash to another partition: on the state topic away from
 * its state (its new owner would start its sequence again while its old owner still polled it), on the event topic
 * away from its earlier events (a consumer could read a later event first). So every transaction records the counts
 * it used ({@link #mark()}) twice: in the metadata of the group offsets it commits (read at every assignment) and in a
 * header of every state record it writes (read when the group's offsets were deleted, reset or expired: the state
 * topic is compacted and kept). The smallest count recorded that the topic still has decides; partitions added
 * later stay idle.
 */
public record PartitionSpread(int statePartitions, int eventPartitions) {

    /** The header of every state-topic record that carries the mark. */
    public static final String HEADER = "balance-stream-spread";

    private static final Pattern MARK = Pattern.compile(
            "balance-stream:state=([1-9][0-9]{0,5}),events=([1-9][0-9]{0,5})");

    public PartitionSpread {
        if (statePartitions < 1 || eventPartitions < 1) {
            throw new IllegalArgumentException("a topic has at least one partition, was " + statePartitions + " and "
                    + eventPartitions);
        }
    }

    /**
     * @param metadata             the metadata of the group's committed offsets on the state topic (nulls allowed)
     * @param stateTopicPartitions the state topic's partitions now
     * @param eventTopicPartitions the event topic's partitions now
     */
    public static PartitionSpread of(Collection<String> metadata, int stateTopicPartitions, int eventTopicPartitions) {
        var recorded = metadata.stream().filter(Objects::nonNull).map(MARK::matcher).filter(Matcher::matches)
                .map(m -> new PartitionSpread(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)))).toList();
        return new PartitionSpread(
                smallest(recorded, PartitionSpread::statePartitions, stateTopicPartitions).orElse(stateTopicPartitions),
                smallest(recorded, PartitionSpread::eventPartitions, eventTopicPartitions).orElse(eventTopicPartitions));
    }

    /** The smallest count recorded that the topic still has (a larger one is from a topic since recreated smaller). */
    private static OptionalInt smallest(Collection<PartitionSpread> recorded, ToIntFunction<PartitionSpread> count,
            int topicPartitions) {
        return recorded.stream().mapToInt(count).filter(n -> n <= topicPartitions).min();
    }

    /** True when the text is a mark (offset metadata or a record header) of this build. */
    public static boolean isMark(String text) {
        return text != null && MARK.matcher(text).matches();
    }

    /** The offset metadata and record header that record these counts. */
    public String mark() {
        return "balance-stream:state=" + statePartitions + ",events=" + eventPartitions;
    }
}
