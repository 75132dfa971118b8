package io.balancestream.partnercenter;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.balancestream.config.BalanceStreamConfig;
import io.balancestream.config.PartnerAccount;
import io.quarkus.oidc.client.OidcClients;
import io.quarkus.oidc.client.runtime.OidcClientConfig;
import io.quarkus.oidc.common.runtime.config.OidcClientCommonConfig.Credentials.Secret.Method;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.Uni;

/** Builds and keeps one {@link PartnerCenterClient} per account: its REST client and its OIDC client. */
@ApplicationScoped
public class PartnerCenterClients {

    private static final int POOL_CLEANER_PERIOD_MS = 15_000;

    private final OidcClients oidcClients;
    private final BalanceStreamConfig config;
    private final Map<String, CompletableFuture<PartnerCenterClient>> clients = new ConcurrentHashMap<>();

    @Inject
    PartnerCenterClients(OidcClients oidcClients, BalanceStreamConfig config) {
        this.oidcClients = oidcClients;
        this.config = config;
    }

    /** The account's clients, built once (concurrent callers share the one being built; a failure is not kept). */
    public Uni<PartnerCenterClient> clientFor(PartnerAccount account) {
        String accountId = account.accountId();
        CompletableFuture<PartnerCenterClient> client = clients.computeIfAbsent(accountId, id -> oidcClients
                .newClient(oidcConfig(account))
                .map(oidcClient -> new PartnerCenterClient(account, () -> restClient(account),
                        new AccessTokenProvider(account, oidcClient, config.http()), config.http(),
                        config.applicationName()))
                .subscribeAsCompletionStage());
        client.whenComplete((built, failure) -> {
            if (failure != null) {
                clients.remove(accountId, client);
            }
        });
        return Uni.createFrom().completionStage(client);
    }

    /** The account's webhook registration, with the same token as its polls; used once at startup. */
    public Uni<WebhookRegistration> registrationFor(PartnerAccount account) {
        return clientFor(account).map(client -> new WebhookRegistration(account,
                restClient(account, WebhookRegistrationApi.class), client.tokens()));
    }

    private PartnerCenterApi restClient(PartnerAccount account) {
        return restClient(account, PartnerCenterApi.class);
    }

    private <T> T restClient(PartnerAccount account, Class<T> api) {
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(account.apiUrl())
                .connectTimeout(config.http().connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(config.http().readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                // Statuses are the poller's business: 401, 429 and 5xx each need their own handling.
                .property("microprofile.rest.client.disable.default.mapper", true)
                // Vert.x checks each client's pool for idle connections every second: one timer event per account
                // per second, more than the polls themselves. Every 15 s closes an idle connection just as well.
                .httpClientOptionsCustomizer(options -> options.setPoolCleanerPeriod(POOL_CLEANER_PERIOD_MS))
                .build(api);
    }

    private OidcClientConfig oidcConfig(PartnerAccount account) {
        URI tokenUrl = account.tokenUrl();
        var builder = OidcClientConfig.builder()
                .id("partner-center-" + account.accountId())
                .authServerUrl(tokenUrl.resolve("/").toString())
                .discoveryEnabled(false)
                .tokenPath(tokenUrl.toString())
                .clientId(account.clientId())
                .credentials().clientSecret(account.clientSecret(), Method.POST).end()
                .connectionTimeout(config.http().connectTimeout());
        // App+User: the refresh-token grant, its scope sent with each refresh (AccessTokenProvider).
        return account.appUser() ? builder.grant(OidcClientConfig.Grant.Type.REFRESH).build()
                : builder.grant(OidcClientConfig.Grant.Type.CLIENT).scopes(account.scope()).build();
    }
}
