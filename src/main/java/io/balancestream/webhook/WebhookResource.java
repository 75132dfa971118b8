package io.balancestream.webhook;

import java.util.concurrent.CompletionException;

import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import io.balancestream.config.PartnerAccount;
import io.balancestream.config.PartnerAccounts;
import io.balancestream.poller.PollingScheduler;
import io.balancestream.poller.PushedPoll;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Partner Center's callbacks, one URL per account (the payload names no tenant). Only a callback whose signature
 * verifies does anything: a verified invoice-ready makes the account poll now (on the instance that polls it, through
 * {@link ForwardedCallbacks} when the load balancer picked another); test-created is acknowledged and
 * logged; any other event is acknowledged and ignored. Everything else gets 401 and triggers nothing; every callback
 * is counted by outcome, and a rejected one is logged in one line, without its body.
 */
@Path("/partner-center/webhooks/{accountId}")
public class WebhookResource {

    private static final Logger LOG = Logger.getLogger(WebhookResource.class);
    /** Partner Center's callback is a JSON object of five short fields. */
    static final int MAX_BODY_BYTES = 16 * 1024;

    private final PartnerAccounts accounts;
    private final CallbackVerifier verifier;
    private final PollingScheduler scheduler;
    private final ForwardedCallbacks forwarded;
    private final MeterRegistry registry;

    @Inject
    WebhookResource(PartnerAccounts accounts, CallbackVerifier verifier, PollingScheduler scheduler,
            ForwardedCallbacks forwarded, MeterRegistry registry) {
        this.accounts = accounts;
        this.verifier = verifier;
        this.scheduler = scheduler;
        this.forwarded = forwarded;
        this.registry = registry;
    }

    @POST
    public Uni<Response> callback(@PathParam("accountId") String accountId, HttpHeaders headers, byte[] body) {
        PartnerAccount account = accounts.find(accountId).filter(found -> found.webhook().enabled()).orElse(null);
        if (account == null) {
            // No label per unknown id: a caller must not be able to grow the metrics at will.
            count("unknown", "not_enabled");
            return Uni.createFrom().item(Response.status(Response.Status.NOT_FOUND).build());
        }
        if (body == null || body.length > MAX_BODY_BYTES) {
            return Uni.createFrom().item(rejected(accountId, new CallbackRejectedException("too_large",
                    "body longer than " + MAX_BODY_BYTES + " bytes"), Response.Status.REQUEST_ENTITY_TOO_LARGE));
        }
        return Uni.createFrom().completionStage(() -> verifier.verify(headers::getHeaderString, body))
                .chain(verified -> accept(accountId, body))
                .onFailure().recoverWithItem(failure -> {
                    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                    if (cause instanceof CallbackRejectedException rejection) {
                        return rejected(accountId, rejection, Response.Status.UNAUTHORIZED);
                    }
                    LOG.errorf("Callback for account %s could not be checked: %s", accountId, cause.toString());
                    count(accountId, "error");
                    return Response.status(Response.Status.SERVICE_UNAVAILABLE).build();
                });
    }

    private Uni<Response> accept(String accountId, byte[] body) {
        CallbackEvent event;
        try {
            event = CallbackEvent.parse(body);
        } catch (IllegalArgumentException e) {
            // Signed by Partner Center, yet unreadable: nothing to act on, and no point in a redelivery.
            LOG.warnf("Signed callback for account %s ignored: %s", accountId, e.getMessage());
            count(accountId, "unreadable");
            return ok();
        }
        if (event.is(CallbackEvent.TEST_CREATED)) {
            LOG.infof("Partner Center's test-created callback for account %s arrived and verified", accountId);
            count(accountId, "test_created");
            return ok();
        }
        if (!event.is(CallbackEvent.INVOICE_READY)) {
            LOG.debugf("Callback %s for account %s ignored", event.eventName(), accountId);
            count(accountId, "ignored");
            return ok();
        }
        PushedPoll pushed = scheduler.push(accountId);
        if (pushed == PushedPoll.NOT_OWNED) {
            return forward(accountId, event);
        }
        if (pushed == PushedPoll.COALESCED) {
            LOG.debugf("invoice-ready for account %s (%s): its poll is already asked for", accountId,
                    event.resourceUri());
            count(accountId, "coalesced");
        } else {
            LOG.infof("invoice-ready for account %s (%s): poll %s", accountId, event.resourceUri(),
                    pushed == PushedPoll.WOKE ? "now" : "as soon as allowed (after the running poll or Partner Center's Retry-After)");
            count(accountId, "invoice_ready");
        }
        return ok();
    }

    /** Another instance polls the account (or none yet): the callback goes to it through Kafka. */
    private Uni<Response> forward(String accountId, CallbackEvent event) {
        return forwarded.forward(accountId, event.resourceUri())
                .map(sent -> {
                    LOG.infof("invoice-ready for account %s (%s) reached an instance that does not poll it; "
                            + "forwarded to the one that does", accountId, event.resourceUri());
                    count(accountId, "forwarded");
                    return Response.ok().build();
                })
                .onFailure().recoverWithItem(failure -> {
                    // Partner Center delivers a callback up to 10 times; the scheduled poll catches the invoice anyway.
                    LOG.warnf("invoice-ready for account %s reached an instance that does not poll it and could not "
                            + "be forwarded (%s); asking for a redelivery", accountId, failure.toString());
                    count(accountId, "not_owned");
                    return Response.status(Response.Status.SERVICE_UNAVAILABLE).header("Retry-After", "5").build();
                });
    }

    private static Uni<Response> ok() {
        return Uni.createFrom().item(Response.ok().build());
    }

    private Response rejected(String accountId, CallbackRejectedException rejection, Response.Status status) {
        LOG.warnf("Callback for account %s rejected (%s): %s", accountId, rejection.outcome(), rejection.getMessage());
        count(accountId, rejection.outcome());
        return Response.status(status).build();
    }

    private void count(String account, String outcome) {
        registry.counter("balance_stream_webhook_callbacks", "account", account, "outcome", outcome).increment();
    }
}
