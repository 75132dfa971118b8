package io.balancestream.partnercenter;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.balancestream.config.BalanceStreamConfig;
import io.balancestream.config.PartnerAccount;
import io.quarkus.oidc.client.OidcClient;
import io.quarkus.oidc.client.Tokens;
import io.smallrye.mutiny.Uni;

/**
 * The bearer token of one account, from the Quarkus OIDC client against Entra ID: the client-credentials grant
 * (app-only), or the refresh-token grant (App+User) with the newest refresh token, which Entra rotates on each use.
 * A token is reused until shortly before it expires, so polling does not cost a token request per poll.
 */
final class AccessTokenProvider {

    /** Renew this long before expiry so that a token never expires in flight. */
    static final Duration RENEW_BEFORE_EXPIRY = Duration.ofSeconds(60);

    private static final Pattern ENTRA_ERROR = Pattern.compile("\"error\"\\s*:\\s*\"([A-Za-z_]+)\"");
    private static final Pattern ENTRA_CODE = Pattern.compile("AADSTS\\d+");
    private static final Set<String> PERMANENT_ERRORS = Set.of("invalid_client", "unauthorized_client",
            "invalid_request", "invalid_grant", "invalid_scope", "unsupported_grant_type");

    private final PartnerAccount account;
    private final OidcClient oidcClient;
    private final BalanceStreamConfig.Http http;
    private final AtomicLong renewals = new AtomicLong();
    private volatile Tokens tokens;
    /** App+User: the newest refresh token (null for app-only). */
    private volatile String refreshToken;
    /** App+User: a rotated refresh token not yet stored in the state topic. */
    private volatile String unsaved;

    AccessTokenProvider(PartnerAccount account, OidcClient oidcClient, BalanceStreamConfig.Http http) {
        this.account = account;
        this.oidcClient = oidcClient;
        this.http = http;
        this.refreshToken = account.refreshToken();
    }

    Uni<String> accessToken() {
        Tokens current = tokens;
        if (current != null && !expiresSoon(current)) {
            return Uni.createFrom().item(current.getAccessToken());
        }
        Uni<Tokens> request = account.appUser()
                ? Uni.createFrom().deferred(() -> oidcClient.refreshTokens(refreshToken,
                        Map.of("scope", account.scope())))
                : oidcClient.getTokens();
        if (http.maxAttempts() > 1) {
            request = request.onFailure(AccessTokenProvider::mayPassOnRetry).retry()
                    .withBackOff(http.initialBackoff(), http.maxBackoff()).withJitter(0.5)
                    .atMost(http.maxAttempts() - 1L);
        }
        return request
                .onFailure().transform(this::tokenFailure)
                .invoke(fresh -> {
                    tokens = fresh;
                    renewals.incrementAndGet();
                    String rotated = fresh.getRefreshToken();
                    if (account.appUser() && rotated != null && !rotated.equals(refreshToken)) {
                        refreshToken = rotated;
                        unsaved = rotated;
                    }
                })
                .map(Tokens::getAccessToken);
    }

    /**
     * Entra answers a wrong registration or request with these: asking again cannot help, the next poll will tell.
     * Anything else (no answer, temporarily_unavailable, 5xx) is retried within the poll, with backoff.
     */
    private static boolean mayPassOnRetry(Throwable failure) {
        Matcher error = ENTRA_ERROR.matcher(String.valueOf(failure.getMessage()));
        return !(error.find() && PERMANENT_ERRORS.contains(error.group(1)));
    }

    /** App+User: continue from the newest refresh token stored before a restart or by a previous owner. */
    void resume(String storedRefreshToken) {
        refreshToken = storedRefreshToken;
    }

    /** App+User: a rotated refresh token that still has to be stored. */
    java.util.Optional<String> unsavedRefreshToken() {
        return java.util.Optional.ofNullable(unsaved);
    }

    void refreshTokenSaved(String saved) {
        if (saved.equals(unsaved)) {
            unsaved = null;
        }
    }

    /** Forget the cached token, after Partner Center rejected it. */
    void invalidate() {
        tokens = null;
    }

    long renewals() {
        return renewals.get();
    }

    private static boolean expiresSoon(Tokens tokens) {
        Long expiresAt = tokens.getAccessTokenExpiresAt();
        return expiresAt != null && Instant.now().plus(RENEW_BEFORE_EXPIRY).getEpochSecond() >= expiresAt;
    }

    /** Entra's error code helps the operator; the OIDC client's raw message could carry more than we want to log. */
    private PartnerCenterException tokenFailure(Throwable failure) {
        String detail = String.valueOf(failure.getMessage());
        StringBuilder message = new StringBuilder("token request for account ").append(account.accountId())
                .append(" (tenant ").append(account.tenantId()).append(", client ").append(account.clientId())
                .append(") at ").append(account.tokenUrl()).append(" failed");
        Matcher error = ENTRA_ERROR.matcher(detail);
        Matcher code = ENTRA_CODE.matcher(detail);
        boolean explained = false;
        if (error.find()) {
            message.append(": ").append(error.group(1));
            explained = true;
        }
        if (code.find()) {
            message.append(explained ? " (" : ": ").append(code.group()).append(explained ? ")" : "");
            explained = true;
        }
        if (!explained) {
            message.append(": ").append(failure.getClass().getSimpleName());
        }
        error.reset();
        if (account.appUser() && error.find() && "invalid_grant".equals(error.group(1))) {
            message.append(". Entra no longer accepts the refresh token (expired after 90 days unused, revoked, or "
                    + "without the MFA claim): the partner must consent again. An admin agent signs in with MFA "
                    + "through the app's consent flow; put the new refresh token in balance-stream.accounts.")
                    .append(account.accountId()).append(".refresh-token and restart. The other accounts go on");
            return new PartnerCenterException(PartnerCenterException.Reason.CONSENT_REQUIRED, message.toString(),
                    null);
        }
        return new PartnerCenterException(PartnerCenterException.Reason.TOKEN, message.toString(), null);
    }
}
