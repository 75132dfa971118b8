package io.balancestream.webhook;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.balancestream.config.BalanceStreamConfig;
import io.balancestream.config.PartnerAccount;
import io.balancestream.config.PartnerAccounts;
import io.balancestream.partnercenter.PartnerCenterClients;
import io.balancestream.partnercenter.PartnerCenterException;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.HttpServerStart;
import io.quarkus.vertx.http.HttpsServerStart;

/**
 * At startup: checks the callback trust settings (a bad trust store stops startup, naming the key); once the HTTP
 * server listens, registers each account's public callback URL with Partner Center. A registration that fails is
 * logged and tried a few times; it never stops polling, which catches every invoice anyway, only later.
 */
@ApplicationScoped
public class WebhookRegistrations {

    private static final Logger LOG = Logger.getLogger(WebhookRegistrations.class);

    private final PartnerAccounts accounts;
    private final PartnerCenterClients clients;
    private final BalanceStreamConfig config;
    /** Built only when an account takes callbacks: reading the JVM's CAs costs startup time. */
    private final Instance<SigningCertificates> certificates;
    private final AtomicBoolean registered = new AtomicBoolean();

    @Inject
    WebhookRegistrations(PartnerAccounts accounts, PartnerCenterClients clients, BalanceStreamConfig config,
            Instance<SigningCertificates> certificates) {
        this.accounts = accounts;
        this.clients = clients;
        this.config = config;
        this.certificates = certificates;
    }

    /** Checks the callback trust settings at startup: a bad trust store stops it, naming the key. */
    void start(@Observes StartupEvent startup) {
        List<PartnerAccount> enabled = enabled();
        if (enabled.isEmpty()) {
            return;
        }
        LOG.infof("Partner Center callbacks accepted for %s at POST /partner-center/webhooks/{account-id}; signing "
                + "certificates from %s, issued to O=%s, chained to %s", enabled.stream()
                        .map(PartnerAccount::accountId).toList(), config.webhook().certificateHosts(),
                config.webhook().certificateOrganization(), certificates.get().trustDescription());
    }

    /**
     * Registers the callback URLs once this instance accepts connections: Partner Center may send a test callback at
     * once (and in dev mode the simulated Partner Center is served by this very server).
     */
    void listening(@ObservesAsync HttpServerStart started) {
        registerOnce();
    }

    /** The same when the service listens only on HTTPS (no plain HTTP server, no HttpServerStart). */
    void listening(@ObservesAsync HttpsServerStart started) {
        registerOnce();
    }

    private void registerOnce() {
        if (registered.compareAndSet(false, true)) {
            enabled().forEach(account -> account.webhook().publicUrl().ifPresent(url -> register(account, url)));
        }
    }

    private List<PartnerAccount> enabled() {
        return config.pollingEnabled() ? accounts.withWebhook() : List.of();
    }

    private void register(PartnerAccount account, URI url) {
        clients.registrationFor(account)
                .chain(registration -> registration.ensure(url)
                        .invoke(result -> LOG.infof("Webhook of account %s at %s: %s", account.accountId(), url,
                                result.name().toLowerCase(java.util.Locale.ROOT)))
                        .chain(result -> account.webhook().sendValidationEvent()
                                ? registration.requestValidationEvent().invoke(correlation -> LOG.infof(
                                        "Partner Center sends a test-created callback to account %s (correlation %s)",
                                        account.accountId(), correlation)).replaceWithVoid()
                                : io.smallrye.mutiny.Uni.createFrom().voidItem()))
                .onFailure(WebhookRegistrations::mayPassOnRetry).retry()
                .withBackOff(Duration.ofSeconds(2), Duration.ofSeconds(30)).atMost(4)
                .subscribe().with(done -> {
                }, failure -> LOG.errorf("Webhook of account %s could not be registered at %s (%s); polling goes on, "
                        + "invoices are seen at the next poll", account.accountId(), url, failure.getMessage()));
    }

    private static boolean mayPassOnRetry(Throwable failure) {
        return !(failure instanceof PartnerCenterException partnerCenter)
                || partnerCenter.reason() != PartnerCenterException.Reason.REJECTED;
    }
}
