package io.balancestream.partnercenter;

/** A 200 response of GET /v1/invoices/summary, with the ids of the request that got it. */
public record SummaryResponse(String body, String requestId, String correlationId) {
}
