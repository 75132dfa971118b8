package io.balancestream.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * The test chains (the simulator's, trusted by tests; a rogue CA's and another organization's, under test resources)
 * and an HTTPS server on loopback that serves their certificates, like Microsoft's blob storage serves the real one.
 */
final class TestCertificates implements AutoCloseable {

    static final String SIMULATOR = "/simulator/webhook/";
    static final String FIXTURES = "/webhook/";

    private final HttpsServer server;
    private final AtomicInteger downloads = new AtomicInteger();

    TestCertificates() {
        try {
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(serverContext()));
            Map<String, String> files = Map.of("/signer.cer", SIMULATOR + "signer.pem",
                    "/rogue.cer", FIXTURES + "rogue-signer.pem", "/contoso.cer", FIXTURES + "contoso-signer.pem");
            files.forEach((path, resource) -> server.createContext(path, exchange -> {
                downloads.incrementAndGet();
                byte[] body = resource(resource);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            }));
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url(String host, String path) {
        return "https://" + host + ":" + server.getAddress().getPort() + path;
    }

    int downloads() {
        return downloads.get();
    }

    /** Signs like Partner Center: RSA-SHA256 over the body bytes, base64. */
    static String sign(String keyResource, byte[] body) {
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(privateKey(keyResource));
            signer.update(body);
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] resource(String name) {
        try (InputStream in = TestCertificates.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PrivateKey privateKey(String name) throws GeneralSecurityException {
        String pem = new String(resource(name), StandardCharsets.US_ASCII).replaceAll("-----[A-Z ]+-----", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }

    private static SSLContext serverContext() {
        try {
            Certificate certificate = CertificateFactory.getInstance("X.509").generateCertificate(
                    new java.io.ByteArrayInputStream(resource(SIMULATOR + "localhost.pem")));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("localhost", privateKey(SIMULATOR + "localhost-key.pem"), new char[0],
                    new Certificate[] { certificate });
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
