package io.balancestream.simulator;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

import io.quarkus.arc.profile.IfBuildProfile;

/** What the simulator's X-MS-Certificate-Url points at, served over HTTPS like Microsoft's blob storage. */
@Path("/simulator/webhook")
@IfBuildProfile(anyOf = { "dev", "test", "simulator" })
public class SimulatedCertificateResource {

    @GET
    @Path("/signer.cer")
    @Produces("application/pkix-cert")
    public byte[] certificate() {
        return SimulatedWebhooks.certificate();
    }
}
