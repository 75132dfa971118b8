package io.balancestream.config;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * One configured partner account with its cloud defaults resolved. {@link #toString()} leaves the secret out,
 * so the record can be logged safely.
 */
public record PartnerAccount(String accountId, String tenantId, String clientId, String clientSecret, Cloud cloud,
        URI apiUrl, URI tokenUrl, String scope, Webhook webhook, String refreshToken, boolean multiCurrency) {

    /**
     * The account's invoice-ready callback.
     *
     * @param publicUrl where Partner Center sends it, when the service registers it; empty: registered by hand
     */
    public record Webhook(boolean enabled, Optional<URI> publicUrl, boolean sendValidationEvent) {
        public static final Webhook OFF = new Webhook(false, Optional.empty(), false);
    }

    public PartnerAccount {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        Objects.requireNonNull(webhook, "webhook");
    }

    /** An app-only account that takes no callbacks. */
    public PartnerAccount(String accountId, String tenantId, String clientId, String clientSecret, Cloud cloud,
            URI apiUrl, URI tokenUrl, String scope) {
        this(accountId, tenantId, clientId, clientSecret, cloud, apiUrl, tokenUrl, scope, Webhook.OFF, null, false);
    }

    /** App+User (a refresh token) rather than app-only credentials. */
    public boolean appUser() {
        return refreshToken != null;
    }

    /** Plain HTTP refused: a typo must not send a client secret in clear text. */
    public static PartnerAccount from(String accountId, BalanceStreamConfig.Account account) {
        return from(accountId, account, false);
    }

    /**
     * @param plainHttpAllowed true in dev and test, or when {@code balance-stream.allow-plain-http} says so;
     *                         loopback addresses may always use plain HTTP (a local proxy, a sidecar)
     */
    public static PartnerAccount from(String accountId, BalanceStreamConfig.Account account,
            boolean plainHttpAllowed) {
        String key = "balance-stream.accounts." + accountId + ".";
        requireText(key + "tenant-id", account.tenantId());
        requireText(key + "client-id", account.clientId());
        if (account.clientSecret().isBlank()) {
            throw new IllegalArgumentException(key + "client-secret is empty");
        }
        Cloud cloud = account.cloud();
        URI apiUrl = account.apiUrl().orElse(cloud.apiUrl());
        URI tokenUrl = account.tokenUrl().orElse(cloud.tokenUrl(account.tenantId()));
        requireHttpUrl(key + "api-url", apiUrl, plainHttpAllowed);
        requireHttpUrl(key + "token-url", tokenUrl, plainHttpAllowed);
        String refreshToken = null;
        if (account.auth() == BalanceStreamConfig.Auth.APP_USER) {
            refreshToken = account.refreshToken().filter(token -> !token.isBlank()).orElseThrow(
                    () -> new IllegalArgumentException(key + "refresh-token is required with " + key + "auth=app-user"
                            + " (a refresh token from the partner's consent, see README \"App+User\")"));
        } else if (account.refreshToken().isPresent()) {
            throw new IllegalArgumentException(key + "refresh-token is set but " + key + "auth is app: set "
                    + key + "auth=app-user to use it");
        }
        if (account.multiCurrency() && refreshToken == null) {
            throw new IllegalArgumentException(key + "multi-currency=true needs " + key + "auth=app-user: Partner "
                    + "Center answers GET /v1/invoices/summaries to App+User tokens only");
        }
        BalanceStreamConfig.AccountWebhook webhook = account.webhook();
        if (webhook.publicUrl().isPresent()) {
            URI publicUrl = webhook.publicUrl().get();
            if (!webhook.enabled()) {
                throw new IllegalArgumentException(key + "webhook.public-url is set but " + key
                        + "webhook.enabled is false: callbacks would be registered and then refused");
            }
            requireHttpUrl(key + "webhook.public-url", publicUrl, plainHttpAllowed);
        }
        if (webhook.sendValidationEvent() && webhook.publicUrl().isEmpty()) {
            throw new IllegalArgumentException(key + "webhook.send-validation-event needs " + key
                    + "webhook.public-url (the service asks for it after registering that URL)");
        }
        return new PartnerAccount(accountId, account.tenantId(), account.clientId(), account.clientSecret(), cloud,
                apiUrl, tokenUrl, account.scope().orElse(refreshToken == null ? cloud.scope() : cloud.appUserScope()),
                new Webhook(webhook.enabled(), webhook.publicUrl(), webhook.sendValidationEvent()), refreshToken,
                account.multiCurrency());
    }

    private static void requireText(String key, String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException(key + " is empty");
        }
    }

    private static void requireHttpUrl(String key, URI url, boolean plainHttpAllowed) {
        String scheme = url.getScheme();
        if (!("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme)) || url.getHost() == null) {
            throw new IllegalArgumentException(key + " must be an absolute http(s) URL, was " + url);
        }
        if ("http".equalsIgnoreCase(scheme) && !plainHttpAllowed && !isLoopback(url.getHost())) {
            throw new IllegalArgumentException(key + " is plain http (" + url + "): the client secret and tokens "
                    + "would travel in clear text; use https, or set balance-stream.allow-plain-http=true");
        }
    }

    private static boolean isLoopback(String host) {
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return "localhost".equalsIgnoreCase(bare) || bare.startsWith("127.") || "::1".equals(bare)
                || "0:0:0:0:0:0:0:1".equals(bare);
    }

    @Override
    public String toString() {
        return "PartnerAccount[accountId=" + accountId + ", tenantId=" + tenantId + ", clientId=" + clientId
                + ", cloud=" + cloud + ", apiUrl=" + apiUrl + ", tokenUrl=" + tokenUrl + ", scope=" + scope
                + ", webhook=" + webhook + ", auth=" + (appUser() ? "app-user" : "app") + ", multiCurrency="
                + multiCurrency + "]";
    }
}
