package io.balancestream.simulator;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.arc.profile.IfBuildProfile;
import io.smallrye.mutiny.Uni;

/**
 * What balance-stream talks to in dev and test: a Microsoft Entra v2 token endpoint and Partner Center's
 * {@code GET /v1/invoices/summary} and {@code /summaries} (one summary per currency), per tenant, under {@code /simulator/{tenant}}. Faults queued through the
 * control API replace normal answers one request at a time.
 */
@Path("/simulator/{tenant}")
@IfBuildProfile(anyOf = { "dev", "test", "simulator" })
public class PartnerCenterSimulatorResource {

    @Inject
    PartnerCenterSimulation simulation;

    @POST
    @Path("/oauth2/v2.0/token")
    public Response token(@PathParam("tenant") String tenantId, @FormParam("grant_type") String grantType,
            @FormParam("client_id") String clientId, @FormParam("client_secret") String clientSecret,
            @FormParam("scope") String scope, @FormParam("refresh_token") String refreshToken) {
        SimulatedTenant tenant = simulation.tenant(tenantId);
        SimulatedFault fault = tenant.takeFault(true);
        if (fault != null && "token-unavailable".equals(fault.type())) {
            return Response.status(503).type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("error", "temporarily_unavailable",
                            "error_description", "AADSTS90033: A transient error has occurred. Please try again.",
                            "error_codes", new int[] { 90033 }))
                    .build();
        }
        if (fault != null || clientSecret == null || clientSecret.isBlank()) {
            return Response.status(401).type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("error", "invalid_client",
                            "error_description", "AADSTS7000215: Invalid client secret provided. Ensure the secret"
                                    + " being sent in the request is the client secret value.",
                            "error_codes", new int[] { 7000215 }))
                    .build();
        }
        if ("refresh_token".equals(grantType)) {
            return refresh(tenant, scope, refreshToken);
        }
        if (!"client_credentials".equals(grantType) || scope == null || !scope.endsWith("/.default")) {
            return Response.status(400).type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("error", "invalid_request",
                            "error_description", "AADSTS90014: client_credentials grant with a /.default scope"
                                    + " expected"))
                    .build();
        }
        String token = tenant.issueToken("sim-" + UUID.randomUUID());
        return Response.ok(Map.of("token_type", "Bearer", "expires_in", tenant.tokenLifetimeSeconds(),
                "ext_expires_in", tenant.tokenLifetimeSeconds(), "access_token", token))
                .type(MediaType.APPLICATION_JSON).build();
    }

    /** App+User: the refresh-token grant, rotating the refresh token as Entra does. */
    private static Response refresh(SimulatedTenant tenant, String scope, String refreshToken) {
        if (scope == null || !scope.contains("/user_impersonation")) {
            return Response.status(400).type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("error", "invalid_scope", "error_description",
                            "AADSTS70011: the App+User scope {resource}/user_impersonation was expected"))
                    .build();
        }
        String rotated = tenant.redeemRefreshToken(refreshToken);
        if (rotated == null) {
            return Response.status(400).type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("error", "invalid_grant", "error_description",
                            "AADSTS700082: The refresh token has expired due to inactivity.",
                            "error_codes", new int[] { 700082 }))
                    .build();
        }
        String token = tenant.issueToken(SimulatedTenant.USER_TOKEN_PREFIX + UUID.randomUUID());
        return Response.ok(Map.of("token_type", "Bearer", "scope", scope, "expires_in", tenant.tokenLifetimeSeconds(),
                "access_token", token, "refresh_token", rotated)).type(MediaType.APPLICATION_JSON).build();
    }

    @GET
    @Path("/v1/invoices/summary")
    public Uni<Response> invoiceSummary(@PathParam("tenant") String tenantId, HttpHeaders headers,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return answer(simulation.tenant(tenantId), headers, authorization, false);
    }

    /** One summary per currency; like Partner Center, for App+User tokens only. */
    @GET
    @Path("/v1/invoices/summaries")
    public Uni<Response> invoiceSummaries(@PathParam("tenant") String tenantId, HttpHeaders headers,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return answer(simulation.tenant(tenantId), headers, authorization, true);
    }

    private static Uni<Response> answer(SimulatedTenant tenant, HttpHeaders headers, String authorization,
            boolean perCurrency) {
        Map<String, String> request = partnerCenterHeaders(headers);
        String token = authorization != null && authorization.startsWith("Bearer ")
                ? authorization.substring("Bearer ".length())
                : null;
        if (!tenant.acceptsToken(token)) {
            tenant.recordRequest(request, "invalid-token");
            return Uni.createFrom().item(error(401, "Unauthorized", "Authentication failed"));
        }
        if (perCurrency && !SimulatedTenant.appUserToken(token)) {
            tenant.recordRequest(request, "app-only-token");
            return Uni.createFrom().item(error(403, "Forbidden", "You must use App+User authentication for this "
                    + "operation"));
        }
        SimulatedFault fault = tenant.takeFault(false);
        tenant.recordRequest(request, fault == null ? (perCurrency ? "summaries" : "summary") : fault.type());
        java.util.function.Supplier<Response> normal = () -> Response.ok(perCurrency ? tenant.summariesBody()
                : tenant.summaryBody(), MediaType.APPLICATION_JSON).build();
        if (fault == null) {
            return Uni.createFrom().item(normal.get());
        }
        return switch (fault.type()) {
            case "server-error" -> Uni.createFrom().item(error(500, "InternalServerError",
                    "An unexpected error occurred"));
            case "unauthorized" -> Uni.createFrom().item(error(401, "Unauthorized", "Authentication failed"));
            case "mfa-required" -> Uni.createFrom().item(error(401, "900421", "The App+User token lacks the "
                    + "multi-factor authentication claim that Partner Center requires; sign in with MFA"));
            case "throttle" -> Uni.createFrom().item(Response.status(429)
                    .header("Retry-After", fault.retryAfterSeconds() == null ? 1 : fault.retryAfterSeconds())
                    .type(MediaType.APPLICATION_JSON)
                    .entity("{\"statusCode\":429,\"message\":\"Rate limit is exceeded. Try again in "
                            + (fault.retryAfterSeconds() == null ? 1 : fault.retryAfterSeconds()) + " seconds.\"}")
                    .build());
            case "malformed" -> Uni.createFrom().item(Response.ok("{\"balanceAmount\": 12.5, \"currencyCo",
                    MediaType.APPLICATION_JSON).build());
            case "html" -> Uni.createFrom().item(Response.ok("<html><body><h1>Service Unavailable</h1></body></html>",
                    MediaType.TEXT_HTML).build());
            case "empty" -> Uni.createFrom().item(Response.ok("{}", MediaType.APPLICATION_JSON).build());
            case "slow" -> Uni.createFrom().item(normal).onItem().delayIt()
                    .by(Duration.ofMillis(fault.delayMillis() == null ? 5000 : fault.delayMillis()));
            default -> Uni.createFrom().item(error(500, "UnknownFault", "unknown fault " + fault.type()));
        };
    }

    private static Response error(int status, String code, String description) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("code", code, "description", description, "data", new String[0], "source",
                        "PartnerCenterSimulator"))
                .build();
    }

    /** The headers Partner Center cares about, as received; the bearer token itself is not kept. */
    private static Map<String, String> partnerCenterHeaders(HttpHeaders headers) {
        Map<String, String> kept = new LinkedHashMap<>();
        for (String name : new String[] { "Accept", "MS-Contract-Version", "MS-RequestId", "MS-CorrelationId",
                "MS-PartnerCenter-Application" }) {
            String value = headers.getHeaderString(name);
            if (value != null) {
                kept.put(name, value);
            }
        }
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        kept.put("Authorization", authorization == null ? "(none)"
                : authorization.startsWith("Bearer ") ? "Bearer (token)" : "(not bearer)");
        return kept;
    }
}
