package io.balancestream.partnercenter;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;

import io.balancestream.config.BalanceStreamConfig;
import io.balancestream.config.PartnerAccount;
import io.balancestream.observability.TraceAttributes;
import io.balancestream.observability.Traced;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Fetches one account's invoice summary (or summaries per currency), the way Partner Center asks callers to behave: a new MS-RequestId per
 * request, the same one again when a request got no response, retries with capped exponential backoff and jitter
 * for timeouts, connection errors and 5xx, one token renewal on 401, and no retry at all on 429 (the caller
 * waits for Retry-After instead).
 */
public final class PartnerCenterClient implements SummarySource {

    private static final Logger LOG = Logger.getLogger(PartnerCenterClient.class);
    private static final Pattern RETRY_IN_SECONDS = Pattern.compile("(?i)try again in (\\d+) seconds?");
    /** Partner Center's refusal of an App+User token without the MFA claim (code 900421 in reports). */
    private static final Pattern MFA_REQUIRED = Pattern.compile("900421|(?i)multi-?factor");
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(60);
    private static final Duration MAX_DURATION = Duration.ofSeconds(Long.MAX_VALUE);

    private final PartnerAccount account;
    private final Supplier<PartnerCenterApi> newApi;
    private final AccessTokenProvider tokens;
    private final BalanceStreamConfig.Http http;
    private final String application;
    private PartnerCenterApi api;

    /** @param newApi builds the account's REST client; a new one replaces it after a body was abandoned */
    PartnerCenterClient(PartnerAccount account, Supplier<PartnerCenterApi> newApi, AccessTokenProvider tokens,
            BalanceStreamConfig.Http http, String application) {
        this.application = application;
        this.account = account;
        this.newApi = newApi;
        this.tokens = tokens;
        this.http = http;
    }

    private synchronized PartnerCenterApi api() {
        if (api == null) {
            api = newApi.get();
        }
        return api;
    }

    /**
     * Closes the REST client and with it the connection of a body this poll stopped reading (too long, or the
     * deadline passed): left open, a connection that keeps sending would be drained for as long as it sends.
     */
    private void dropConnections() {
        PartnerCenterApi abandoned;
        synchronized (this) {
            abandoned = api;
            api = null;
        }
        if (abandoned != null) {
            try {
                abandoned.close();
            } catch (IOException | RuntimeException e) {
                LOG.debugf("Closing the HTTP client of account %s: %s", account.accountId(), e);
            }
        }
    }

    @Override
    public PartnerAccount account() {
        return account;
    }

    AccessTokenProvider tokens() {
        return tokens;
    }

    /** App+User: continue from the newest refresh token the state topic held for this account. */
    public void resumeRefreshToken(String storedRefreshToken) {
        tokens.resume(storedRefreshToken);
    }

    @Override
    public java.util.Optional<String> unsavedRefreshToken() {
        return tokens.unsavedRefreshToken();
    }

    @Override
    public void refreshTokenSaved(String saved) {
        tokens.refreshTokenSaved(saved);
    }

    /** Token requests made so far: stays flat while the cached token is valid. */
    public long tokenRenewals() {
        return tokens.renewals();
    }

    /**
     * @param trace the poll's trace context: each request becomes a child span of it and the poll span records
     *              the MS-RequestId of the latest attempt
     */
    @Override
    public Uni<SummaryResponse> fetchSummary(String correlationId, Context trace) {
        Duration deadline = http.pollTimeout();
        // After no response the request may have arrived: its retry reuses the MS-RequestId so Partner Center can
        // tell it is one; after a 5xx (a response) the retry is a new request.
        AtomicReference<String> requestId = new AtomicReference<>(newRequestId());
        Uni<SummaryResponse> fetch = Uni.createFrom().deferred(() -> attempt(correlationId, trace, requestId, false))
                .onFailure(PartnerCenterException.class).invoke(failure -> {
                    PartnerCenterException partnerCenter = (PartnerCenterException) failure;
                    if (partnerCenter.reason() == PartnerCenterException.Reason.SERVER_ERROR) {
                        requestId.set(newRequestId());
                    }
                    LOG.debugf("Attempt for account %s failed: %s", account.accountId(), failure.getMessage());
                });
        if (http.maxAttempts() > 1) {
            // The same retry tool as the token requests: Mutiny's exponential backoff with jitter.
            fetch = fetch.onFailure(PartnerCenterClient::transientFailure).retry()
                    .withBackOff(http.initialBackoff(), http.maxBackoff()).withJitter(0.5)
                    .atMost(http.maxAttempts() - 1L);
        }
        return fetch
                // Cancels whatever is still under way (a token request, a trickling body).
                .ifNoItem().after(deadline).failWith(() -> new PartnerCenterException(
                        PartnerCenterException.Reason.TIMEOUT, "no complete answer for account "
                                + account.accountId() + " within " + deadline
                                + " (balance-stream.http.poll-timeout), token request and retries included", null));
    }

    private static boolean transientFailure(Throwable failure) {
        return failure instanceof PartnerCenterException partnerCenter && partnerCenter.transientFailure();
    }

    /** One request; a 401 renews the token and asks once more (a renewal, not a retry). */
    private Uni<SummaryResponse> attempt(String correlationId, Context trace, AtomicReference<String> requestIds,
            boolean tokenRenewed) {
        String requestId = requestIds.get();
        Span.fromContext(trace).setAttribute(TraceAttributes.REQUEST_ID, requestId);
        return tokens.accessToken()
                .chain(token -> Traced.within(trace, () -> request("Bearer " + token, requestId, correlationId)))
                .chain(response -> readBody(response, requestId))
                .onFailure(failure -> !(failure instanceof PartnerCenterException))
                .transform(failure -> noResponse(failure, requestId))
                .chain(answer -> handle(answer, correlationId, trace, requestIds, tokenRenewed));
    }

    /** {@code /summaries} for a multi-currency account, else {@code /summary}. */
    private Uni<RestResponse<InputStream>> request(String authorization, String requestId, String correlationId) {
        return account.multiCurrency()
                ? api().getInvoiceSummaries(authorization, requestId, correlationId, application)
                : api().getInvoiceSummary(authorization, requestId, correlationId, application);
    }

    /** A response with its body read, as text. */
    private record Answer(RestResponse<InputStream> response, String body) {
    }

    /** Reads the body as it arrives, on a worker thread (the stream blocks), never more than the limit. */
    private Uni<Answer> readBody(RestResponse<InputStream> response, String requestId) {
        return Uni.createFrom().<Answer> emitter(emitter -> {
            try {
                emitter.complete(new Answer(response, BoundedBody.read(bodyOf(response), BoundedBody.MAX_BYTES)));
            } catch (BoundedBody.TooLargeException e) {
                dropConnections();
                emitter.fail(new PartnerCenterException(PartnerCenterException.Reason.OVERSIZED, "Partner Center "
                        + "answered HTTP " + response.getStatus() + " for account " + account.accountId()
                        + " with a " + e.getMessage() + "; no InvoiceSummary is that long", requestId));
            } catch (IOException | RuntimeException e) {
                emitter.fail(e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onCancellation().invoke(this::dropConnections);
    }

    /** A success's entity is the stream; an error's is left unread by the client and read here the same way. */
    private static InputStream bodyOf(RestResponse<InputStream> response) {
        InputStream entity = response.getEntity();
        return entity != null || !response.hasEntity() ? entity : response.readEntity(InputStream.class);
    }

    private Uni<SummaryResponse> handle(Answer answer, String correlationId, Context trace,
            AtomicReference<String> requestIds, boolean tokenRenewed) {
        String requestId = requestIds.get();
        RestResponse<InputStream> response = answer.response();
        int status = response.getStatus();
        if (status == 200) {
            return Uni.createFrom().item(new SummaryResponse(answer.body(), requestId, correlationId));
        }
        if (status == 401 && !tokenRenewed) {
            LOG.debugf("Partner Center rejected the token of account %s (request %s); renewing it once",
                    account.accountId(), requestId);
            tokens.invalidate();
            requestIds.set(newRequestId());
            return attempt(correlationId, trace, requestIds, true);
        }
        String body = answer.body();
        if (status == 429) {
            Duration retryAfter = retryAfter(response.getHeaderString("Retry-After"), body, http.maxRetryAfter());
            return Uni.createFrom().failure(new PartnerCenterException(PartnerCenterException.Reason.THROTTLED,
                    "Partner Center throttled account " + account.accountId() + " (429), retry after "
                            + retryAfter.toSeconds() + " s",
                    requestId, retryAfter));
        }
        if (status == 401 && account.appUser() && body != null && MFA_REQUIRED.matcher(body).find()) {
            // Since April 2026 App+User calls need a token from an MFA sign-in; a renewal cannot add the claim.
            return Uni.createFrom().failure(new PartnerCenterException(PartnerCenterException.Reason.CONSENT_REQUIRED,
                    "Partner Center refused the App+User token of account " + account.accountId() + " for want of "
                            + "multi-factor authentication" + errorDescription(body) + ". The partner must consent "
                            + "again with an MFA sign-in and the new refresh token go into balance-stream.accounts."
                            + account.accountId() + ".refresh-token. The other accounts go on", requestId));
        }
        PartnerCenterException.Reason reason = status >= 500 ? PartnerCenterException.Reason.SERVER_ERROR
                : status == 401 ? PartnerCenterException.Reason.UNAUTHORIZED : PartnerCenterException.Reason.REJECTED;
        return Uni.createFrom().failure(new PartnerCenterException(reason, "Partner Center answered HTTP " + status
                + " for account " + account.accountId() + errorDescription(body), requestId));
    }

    private PartnerCenterException noResponse(Throwable failure, String requestId) {
        boolean timeout = false;
        boolean connection = false;
        // By type: Vert.x reports a read timeout as a java.util.concurrent.TimeoutException, a refused or reset
        // connection as an IOException (Netty's ConnectException among them), a closed one as HttpClosedException.
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            timeout |= cause instanceof java.util.concurrent.TimeoutException
                    || cause instanceof java.net.SocketTimeoutException
                    || cause instanceof io.netty.handler.timeout.TimeoutException;
            connection |= cause instanceof java.io.IOException || cause instanceof io.vertx.core.http.HttpClosedException;
        }
        PartnerCenterException.Reason reason = timeout ? PartnerCenterException.Reason.TIMEOUT
                : PartnerCenterException.Reason.CONNECTION;
        if (!timeout && !connection) {
            LOG.debugf(failure, "Unclassified failure calling Partner Center for account %s", account.accountId());
        }
        return new PartnerCenterException(reason, "no response from Partner Center for account "
                + account.accountId() + " at " + account.apiUrl() + ": "
                + (timeout ? "timed out" : failure.getClass().getSimpleName() + " " + failure.getMessage()),
                requestId);
    }

    /**
     * Retry-After in seconds or as a future HTTP date; else the "Try again in N seconds" of the throttling body;
     * else a minute. Never longer than {@code cap}; a past date or garbage counts as absent.
     */
    static Duration retryAfter(String header, String body, Duration cap) {
        Duration asked = fromHeader(header);
        if (asked == null && body != null) {
            Matcher matcher = RETRY_IN_SECONDS.matcher(body);
            if (matcher.find()) {
                asked = seconds(matcher.group(1));
            }
        }
        if (asked == null) {
            asked = DEFAULT_RETRY_AFTER;
        }
        return asked.compareTo(cap) > 0 ? cap : asked;
    }

    private static Duration fromHeader(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.strip();
        if (value.chars().allMatch(Character::isDigit)) {
            return seconds(value);
        }
        try {
            Duration until = Duration.between(ZonedDateTime.now(),
                    ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
            return until.isNegative() || until.isZero() ? null : until;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Digits as seconds; more than a long holds is as good as forever (the caller caps it). */
    private static Duration seconds(String digits) {
        try {
            return Duration.ofSeconds(Long.parseLong(digits));
        } catch (NumberFormatException | ArithmeticException e) {
            return MAX_DURATION;
        }
    }

    private static String errorDescription(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String oneLine = body.replaceAll("\\s+", " ").strip();
        return ": " + (oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine);
    }

    private static String newRequestId() {
        return RequestIds.next();
    }
}
