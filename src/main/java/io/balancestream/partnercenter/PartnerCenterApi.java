package io.balancestream.partnercenter;

import java.io.Closeable;
import java.io.InputStream;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;
import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.mutiny.Uni;

/**
 * Partner Center's invoice summary resources: the account's summary, or its summaries per currency. One client instance per account is built by
 * {@link PartnerCenterClients}, because every account has its own base URL and token.
 * The body arrives as a stream, so that its size is bounded while it is read ({@link BoundedBody}), and as
 * text afterwards so the domain parser sees the exact JSON numbers. Closing the client closes its connections.
 * The application name is an argument, read from the configuration once, not a configuration expression evaluated
 * on every request.
 */
@Path("/v1/invoices")
@ClientHeaderParam(name = "MS-Contract-Version", value = "v1")
public interface PartnerCenterApi extends Closeable {

    @GET
    @Path("/summary")
    @Produces(MediaType.APPLICATION_JSON)
    Uni<RestResponse<InputStream>> getInvoiceSummary(
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam("MS-RequestId") String requestId,
            @HeaderParam("MS-CorrelationId") String correlationId,
            @HeaderParam("MS-PartnerCenter-Application") String application);

    /** One InvoiceSummary per currency, {@code {totalCount, items[]}}; App+User tokens only. */
    @GET
    @Path("/summaries")
    @Produces(MediaType.APPLICATION_JSON)
    Uni<RestResponse<InputStream>> getInvoiceSummaries(
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam("MS-RequestId") String requestId,
            @HeaderParam("MS-CorrelationId") String correlationId,
            @HeaderParam("MS-PartnerCenter-Application") String application);
}
