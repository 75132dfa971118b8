package io.balancestream.simulator;

import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.arc.profile.IfBuildProfile;

/**
 * Drives the simulator: what a tenant's summary says, which faults come next, and what the service sent.
 * Dev and test only, like the simulator itself.
 */
@Path("/simulator/{tenant}/control")
@IfBuildProfile(anyOf = { "dev", "test", "simulator" })
public class SimulatorControlResource {

    @Inject
    PartnerCenterSimulation simulation;

    @Inject
    SimulatedWebhooks webhooks;

    /** A control request that makes no sense gets its reason back (curl shows it), not an empty 400. */
    @ServerExceptionMapper
    Response badRequest(BadRequestException e) {
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.TEXT_PLAIN).entity(e.getMessage() + "\n")
                .build();
    }

    /**
     * Fires signed invoice-ready callbacks at the tenant's registered URL (or {@code url}), e.g.
     * {@code curl -X POST localhost:8080/simulator/contoso/control/invoice-ready}. {@code count} sends a burst in
     * parallel; {@code tamper=true} changes the body after signing. Returns the service's answers and when the first request left (epoch milliseconds).
     */
    @POST
    @Path("/invoice-ready")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> invoiceReady(@PathParam("tenant") String tenant, @QueryParam("url") String url,
            @QueryParam("count") @DefaultValue("1") int count, @QueryParam("tamper") boolean tamper) {
        URI target = url != null ? URI.create(url) : webhooks.callbackUrl(tenant)
                .orElseThrow(() -> new BadRequestException("tenant " + tenant + " registered no webhook; pass ?url="));
        if (count < 1 || count > 1000) {
            throw new BadRequestException("count must be 1 to 1000");
        }
        long sentAt = System.currentTimeMillis();
        List<Integer> statuses = webhooks.send(target, "invoice-ready", count, tamper);
        return Map.of("tenant", tenant, "url", target.toString(), "statuses", statuses, "sentAt", sentAt);
    }

    /** Serves this body (any text, valid or not) from now on. */
    @PUT
    @Path("/summary")
    @Consumes({ MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN })
    public Map<String, Object> setSummary(@PathParam("tenant") String tenant, String body) {
        simulation.tenant(tenant).summaryBody(body);
        return Map.of("tenant", tenant, "summary", "replaced");
    }

    @GET
    @Path("/summary")
    @Produces(MediaType.APPLICATION_JSON)
    public String summary(@PathParam("tenant") String tenant) {
        return simulation.tenant(tenant).summaryBody();
    }

    /** Sets the total balance of the served summary, e.g. {@code curl -X PUT .../balance -d 1234.56}. */
    @PUT
    @Path("/balance")
    @Consumes({ MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON })
    public Map<String, Object> setBalance(@PathParam("tenant") String tenant, String amount) {
        BigDecimal balance = amount(amount);
        simulation.setBalance(tenant, balance);
        return Map.of("tenant", tenant, "balanceAmount", balance.toPlainString());
    }

    private static BigDecimal amount(String amount) {
        try {
            return new BigDecimal(amount.strip());
        } catch (NumberFormatException e) {
            throw new BadRequestException("not a decimal amount: " + amount);
        }
    }

    /** Serves this InvoiceSummaries body (any text, valid or not) from {@code /invoices/summaries} from now on. */
    @PUT
    @Path("/summaries")
    @Consumes({ MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN })
    public Map<String, Object> setSummaries(@PathParam("tenant") String tenant, String body) {
        simulation.tenant(tenant).summariesBody(body);
        return Map.of("tenant", tenant, "summaries", "replaced");
    }

    @GET
    @Path("/summaries")
    @Produces(MediaType.APPLICATION_JSON)
    public String summaries(@PathParam("tenant") String tenant) {
        return simulation.tenant(tenant).summariesBody();
    }

    /**
     * Sets one currency's total balance in {@code /invoices/summaries}, adding the currency when the tenant has none
     * in it, e.g. {@code curl -X PUT .../currencies/EUR/balance -d 1234.56}.
     */
    @PUT
    @Path("/currencies/{currency}/balance")
    @Consumes({ MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON })
    public Map<String, Object> setCurrencyBalance(@PathParam("tenant") String tenant,
            @PathParam("currency") String currency, String amount) {
        BigDecimal balance = amount(amount);
        boolean added = simulation.setCurrencyBalance(tenant, currency, balance);
        return Map.of("tenant", tenant, "currency", currency, "balanceAmount", balance.toPlainString(), "added", added);
    }

    /** Removes one currency from {@code /invoices/summaries}. */
    @DELETE
    @Path("/currencies/{currency}")
    public void removeCurrency(@PathParam("tenant") String tenant, @PathParam("currency") String currency) {
        if (!simulation.removeCurrency(tenant, currency)) {
            throw new jakarta.ws.rs.NotFoundException("tenant " + tenant + " has no summary in " + currency);
        }
    }

    @POST
    @Path("/faults")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> addFault(@PathParam("tenant") String tenant, SimulatedFault fault) {
        if (fault == null || fault.type() == null) {
            throw new BadRequestException("a fault needs a type");
        }
        SimulatedTenant simulated = simulation.tenant(tenant);
        simulated.addFault(fault);
        return Map.of("tenant", tenant, "pendingFaults", simulated.pendingFaults());
    }

    /** Lifetime of the tokens issued from now on, to exercise renewal. */
    @PUT
    @Path("/token-lifetime")
    @Consumes({ MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON })
    public Map<String, Object> setTokenLifetime(@PathParam("tenant") String tenant, String seconds) {
        simulation.tenant(tenant).tokenLifetimeSeconds(Long.parseLong(seconds.strip()));
        return Map.of("tenant", tenant, "tokenLifetimeSeconds", Long.parseLong(seconds.strip()));
    }

    /** App+User: a refresh token the tenant accepts (as a consent would produce), e.g. {@code -d seed-token}. */
    @PUT
    @Path("/refresh-token")
    @Consumes({ MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON })
    public Map<String, Object> acceptRefreshToken(@PathParam("tenant") String tenant, String token) {
        simulation.tenant(tenant).acceptRefreshToken(token.strip());
        return Map.of("tenant", tenant, "refreshToken", "accepted");
    }

    /** {@code single-use}: a redeemed refresh token stops working (stricter than Entra); {@code reusable}: Entra's way. */
    @PUT
    @Path("/refresh-token-policy")
    @Consumes({ MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON })
    public Map<String, Object> refreshTokenPolicy(@PathParam("tenant") String tenant, String policy) {
        simulation.tenant(tenant).refreshTokensSingleUse("single-use".equals(policy.strip()));
        return Map.of("tenant", tenant, "policy", policy.strip());
    }

    /** Revokes every refresh token of the tenant: the next refresh answers invalid_grant (AADSTS700082). */
    @DELETE
    @Path("/refresh-tokens")
    public void revokeRefreshTokens(@PathParam("tenant") String tenant) {
        simulation.tenant(tenant).revokeRefreshTokens();
    }

    /** The refresh tokens the tenant accepts now (tests check that none of them reaches a log or Kafka in clear). */
    @GET
    @Path("/refresh-tokens")
    @Produces(MediaType.APPLICATION_JSON)
    public java.util.Set<String> refreshTokens(@PathParam("tenant") String tenant) {
        return simulation.tenant(tenant).refreshTokens();
    }

    @GET
    @Path("/requests")
    @Produces(MediaType.APPLICATION_JSON)
    public List<Map<String, String>> requests(@PathParam("tenant") String tenant) {
        return simulation.tenant(tenant).requests();
    }

    @GET
    @Path("/stats")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> stats(@PathParam("tenant") String tenant) {
        SimulatedTenant simulated = simulation.tenant(tenant);
        return Map.of("tokenRequests", simulated.tokenRequests(), "summaryRequests", simulated.summaryRequests(),
                "pendingFaults", simulated.pendingFaults());
    }

    @DELETE
    public void reset(@PathParam("tenant") String tenant) {
        simulation.reset(tenant);
    }
}
