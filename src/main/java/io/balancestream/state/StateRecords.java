package io.balancestream.state;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import io.balancestream.ownership.AccountPartitions;
import io.balancestream.ownership.PartitionSpread;
import io.balancestream.state.AccountStateCodec.StoredState;

/**
 * The records of the compacted state topic, as the publisher writes them and recovery reads them. Per account two
 * keys on its state partition: its state ({@link AccountStateCodec}, key = account id) and, for App+User accounts,
 * its sealed refresh token (key {@code refresh-token/{account}}, marked by a header). Every record carries the
 * partition counts it was written with ({@link PartitionSpread#HEADER}), so the spread outlives the group's offsets.
 */
public final class StateRecords {

    /** The header that marks a record other than a state; its value names the kind. */
    public static final String RECORD_KIND_HEADER = "balance-stream-record";
    public static final String REFRESH_TOKEN_KIND = "refresh-token";
    private static final String REFRESH_TOKEN_PREFIX = REFRESH_TOKEN_KIND + "/";

    private final String stateTopic;

    public StateRecords(String stateTopic) {
        this.stateTopic = stateTopic;
    }

    /** Key of an account's refresh-token record: not the account id, which keys its state record. */
    public static String refreshTokenKey(String accountId) {
        return REFRESH_TOKEN_PREFIX + accountId;
    }

    /** The account of a refresh-token record, or null for a record kind this version does not know. */
    static String refreshTokenAccount(String key, Header kind) {
        return REFRESH_TOKEN_KIND.equals(new String(kind.value(), StandardCharsets.UTF_8)) && key != null
                && key.startsWith(REFRESH_TOKEN_PREFIX) ? key.substring(REFRESH_TOKEN_PREFIX.length()) : null;
    }

    public ProducerRecord<String, byte[]> state(StoredState stored, PartitionSpread spread, Instant publishedAt) {
        return new ProducerRecord<>(stateTopic, partition(stored.accountId(), spread), stored.accountId(),
                AccountStateCodec.encode(stored, publishedAt), headers(spread));
    }

    public ProducerRecord<String, byte[]> refreshToken(String accountId, byte[] sealed, PartitionSpread spread) {
        RecordHeaders headers = headers(spread);
        headers.add(RECORD_KIND_HEADER, REFRESH_TOKEN_KIND.getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(stateTopic, partition(accountId, spread), refreshTokenKey(accountId), sealed,
                headers);
    }

    private static int partition(String accountId, PartitionSpread spread) {
        return AccountPartitions.partitionOf(accountId, spread.statePartitions());
    }

    private static RecordHeaders headers(PartitionSpread spread) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(PartitionSpread.HEADER, spread.mark().getBytes(StandardCharsets.UTF_8));
        return headers;
    }
}
