package io.balancestream.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Partner Center's webhook side, simulated: each tenant's registration, and callbacks signed the way Partner Center
 * signs them (RSA-SHA256 over the body, the signature in Authorization, the certificate's URL in a header). The key
 * and certificate are the simulator's test chain under src/dev/resources/simulator/webhook, trusted only where
 * balance-stream.webhook.trust-store names its CA (dev and test).
 */
@ApplicationScoped
@IfBuildProfile(anyOf = { "dev", "test", "simulator" })
public class SimulatedWebhooks {

    static final String CERTIFICATE = "/simulator/webhook/signer.pem";
    private static final String KEY = "/simulator/webhook/signer-key.pem";
    private static final String DEV_STATE = "webhooks.json";

    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, ObjectNode> registrations = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PrivateKey key = readKey();
    private final String certificateUrl;

    SimulatedWebhooks(@ConfigProperty(name = "simulator.certificate-url") String certificateUrl) {
        this.certificateUrl = certificateUrl;
    }

    /**
     * Partner Center keeps a registration until it is deleted: in dev mode the registrations outlive a live reload
     * (which starts a new application but keeps the HTTP server, so the service does not register again) and a restart.
     */
    void restore(@Observes StartupEvent startup) {
        DevModeState.ofDevMode().ifPresent(this::restoreFrom);
    }

    void save(@Observes ShutdownEvent shutdown) {
        DevModeState.ofDevMode().ifPresent(this::saveTo);
    }

    void restoreFrom(DevModeState state) {
        state.<Map<String, ObjectNode>> restore(DEV_STATE, json, json.getTypeFactory().constructMapType(Map.class,
                String.class, ObjectNode.class)).ifPresent(registrations::putAll);
    }

    void saveTo(DevModeState state) {
        state.save(DEV_STATE, json, new TreeMap<>(registrations));
    }

    Optional<ObjectNode> registration(String tenant) {
        return Optional.ofNullable(registrations.get(tenant)).map(ObjectNode::deepCopy);
    }

    ObjectNode register(String tenant, ObjectNode registration) {
        ObjectNode stored = registration.deepCopy();
        stored.put("SubscriberId", UUID.nameUUIDFromBytes(tenant.getBytes(StandardCharsets.UTF_8)).toString());
        registrations.put(tenant, stored);
        return stored.deepCopy();
    }

    void forget(String tenant) {
        registrations.remove(tenant);
    }

    /** The callback URL registered for a tenant, if any. */
    Optional<URI> callbackUrl(String tenant) {
        return Optional.ofNullable(registrations.get(tenant)).map(registration -> registration.get("WebhookUrl"))
                .map(url -> URI.create(url.asText()));
    }

    /**
     * Sends {@code count} signed callbacks of one event to a URL, in parallel, and returns each answer's status.
     *
     * @param tamper sign one body, send another (what a forger does)
     */
    List<Integer> send(URI url, String eventName, int count, boolean tamper) {
        String body = payload(eventName);
        String signature = sign(body.getBytes(StandardCharsets.UTF_8));
        String sent = tamper ? body.replace("invoice", "inv0ice") : body;
        List<java.util.concurrent.CompletableFuture<HttpResponse<Void>>> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Signature " + signature)
                    .header("X-MS-Certificate-Url", certificateUrl)
                    .header("X-MS-Signature-Algorithm", "rsa-sha256")
                    .POST(HttpRequest.BodyPublishers.ofString(sent)).build();
            answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()));
        }
        return answers.stream().map(answer -> answer.join().statusCode()).toList();
    }

    private String payload(String eventName) {
        ObjectNode event = json.createObjectNode();
        event.put("EventName", eventName);
        event.put("ResourceUri", "https://api.partnercenter.microsoft.com/v1/invoices/G" + UUID.randomUUID()
                .toString().substring(0, 9).toUpperCase(java.util.Locale.ROOT));
        event.put("ResourceName", "invoice");
        event.putNull("AuditUri");
        event.put("ResourceChangeUtcDate", OffsetDateTime.now().toString());
        return event.toString();
    }

    private String sign(byte[] body) {
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(key);
            signer.update(body);
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The test certificate, as the URL in X-MS-Certificate-Url serves it. */
    static byte[] certificate() {
        return resource(CERTIFICATE);
    }

    private static PrivateKey readKey() {
        String pem = new String(resource(KEY), StandardCharsets.US_ASCII).replaceAll("-----[A-Z ]+-----", "")
                .replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
                    .decode(pem)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The simulator's signing key cannot be read", e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = SimulatedWebhooks.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
