package io.balancestream.partnercenter;

import java.io.Closeable;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;
import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.mutiny.Uni;

/** Partner Center's webhook registration of the signed-in partner: read, create, replace, ask for a test event. */
@Path("/webhooks/v1/registration")
@ClientHeaderParam(name = "MS-Contract-Version", value = "v1")
@ClientHeaderParam(name = "MS-PartnerCenter-Application", value = "${balance-stream.application-name}")
@Produces(MediaType.APPLICATION_JSON)
public interface WebhookRegistrationApi extends Closeable {

    @GET
    Uni<RestResponse<String>> read(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam("MS-RequestId") String requestId, @HeaderParam("MS-CorrelationId") String correlationId);

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<RestResponse<String>> create(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam("MS-RequestId") String requestId, @HeaderParam("MS-CorrelationId") String correlationId,
            String registration);

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<RestResponse<String>> replace(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam("MS-RequestId") String requestId, @HeaderParam("MS-CorrelationId") String correlationId,
            String registration);

    @POST
    @Path("/validationEvents")
    Uni<RestResponse<String>> requestValidationEvent(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam("MS-RequestId") String requestId, @HeaderParam("MS-CorrelationId") String correlationId);
}
