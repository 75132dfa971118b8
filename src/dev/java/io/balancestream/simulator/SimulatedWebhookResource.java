package io.balancestream.simulator;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.arc.profile.IfBuildProfile;

/**
 * Partner Center's webhook registration API for one simulated tenant.
 */
@Path("/simulator/{tenant}/webhooks/v1/registration")
@IfBuildProfile(anyOf = { "dev", "test", "simulator" })
public class SimulatedWebhookResource {

    @Inject
    SimulatedWebhooks webhooks;

    @Inject
    PartnerCenterSimulation simulation;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response read(@PathParam("tenant") String tenant, @HeaderParam(HttpHeaders.AUTHORIZATION) String token) {
        if (!authorized(tenant, token)) {
            return Response.status(401).build();
        }
        return webhooks.registration(tenant).map(registration -> Response.ok(registration).build())
                .orElseGet(() -> Response.status(404).type(MediaType.APPLICATION_JSON)
                        .entity(Map.of("code", 2003, "description", "Webhook registration not found")).build());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(@PathParam("tenant") String tenant, @HeaderParam(HttpHeaders.AUTHORIZATION) String token,
            ObjectNode registration) {
        if (!authorized(tenant, token)) {
            return Response.status(401).build();
        }
        if (webhooks.registration(tenant).isPresent()) {
            return Response.status(409).type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("code", 2004, "description", "A webhook registration already exists")).build();
        }
        return Response.ok(webhooks.register(tenant, valid(registration))).build();
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response replace(@PathParam("tenant") String tenant, @HeaderParam(HttpHeaders.AUTHORIZATION) String token,
            ObjectNode registration) {
        if (!authorized(tenant, token)) {
            return Response.status(401).build();
        }
        return Response.ok(webhooks.register(tenant, valid(registration))).build();
    }

    /** Sends a signed test-created callback to the registered URL, as Partner Center does. */
    @POST
    @Path("/validationEvents")
    @Produces(MediaType.APPLICATION_JSON)
    public Response validationEvent(@PathParam("tenant") String tenant,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String token) {
        if (!authorized(tenant, token)) {
            return Response.status(401).build();
        }
        URI url = webhooks.callbackUrl(tenant).orElseThrow(() -> new BadRequestException("no webhook registered"));
        webhooks.send(url, "test-created", 1, false);
        return Response.ok(Map.of("correlationId", UUID.randomUUID().toString())).build();
    }

    private boolean authorized(String tenant, String authorization) {
        return authorization != null && authorization.startsWith("Bearer ")
                && simulation.tenant(tenant).acceptsToken(authorization.substring("Bearer ".length()));
    }

    private static ObjectNode valid(ObjectNode registration) {
        if (registration == null || registration.get("WebhookUrl") == null
                || !registration.get("WebhookUrl").asText().startsWith("http")) {
            throw new BadRequestException("WebhookUrl is required");
        }
        return registration;
    }
}
