package io.balancestream.event;

import java.util.HexFormat;

import org.apache.avro.SchemaNormalization;

import io.balancestream.events.BalanceChanged;

/** Kafka header names and values every event carries. */
public final class EventHeaders {

    public static final String CONTENT_TYPE = "content-type";
    public static final String SCHEMA_FINGERPRINT = "avro-schema-fingerprint";
    public static final String EVENT_ID = "event-id";
    public static final String SINGLE_OBJECT_CONTENT_TYPE = "application/vnd.apache.avro.single-object";

    private static final String FINGERPRINT = HexFormat.of()
            .toHexDigits(SchemaNormalization.parsingFingerprint64(BalanceChanged.getClassSchema()));

    private EventHeaders() {
    }

    /**
     * CRC-64-AVRO of the schema's parsing canonical form as 16 hex digits, most significant first
     * (the payload's single-object header holds the same 8 bytes least significant first).
     */
    public static String schemaFingerprint() {
        return FINGERPRINT;
    }
}
