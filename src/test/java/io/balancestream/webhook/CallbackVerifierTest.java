package io.balancestream.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.balancestream.config.BalanceStreamConfig;

/**
 * Only Partner Center's own signature makes a callback count: a real HTTPS download of the certificate, a real
 * chain check against the simulator's test CA, a real RSA-SHA256 verification over the body bytes.
 */
class CallbackVerifierTest {

    private static final byte[] BODY = ("{\"EventName\":\"invoice-ready\",\"ResourceUri\":"
            + "\"https://api.partnercenter.microsoft.com/v1/invoices/G000000001\",\"ResourceName\":\"invoice\","
            + "\"AuditUri\":null,\"ResourceChangeUtcDate\":\"2026-11-29T00:05:39.5485487+00:00\"}")
            .getBytes(StandardCharsets.UTF_8);
    private static final String GENUINE_KEY = TestCertificates.SIMULATOR + "signer-key.pem";

    private static TestCertificates server;
    private static CallbackVerifier verifier;

    record Settings(List<String> certificateHosts, String certificateOrganization, Optional<Path> trustStore,
            Duration minPollInterval) implements BalanceStreamConfig.Webhook {
    }

    @BeforeAll
    static void start() throws URISyntaxException {
        server = new TestCertificates();
        Path ca = Path.of(CallbackVerifierTest.class.getResource(TestCertificates.SIMULATOR + "ca.pem").toURI());
        verifier = new CallbackVerifier(new SigningCertificates(new Settings(List.of("localhost"),
                "Microsoft Corporation", Optional.of(ca), Duration.ofSeconds(5)), Clock.systemUTC()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Map<String, String> headers(String key, String certificatePath, byte[] signedBody) {
        Map<String, String> headers = new HashMap<>();
        headers.put("authorization", "Signature " + TestCertificates.sign(key, signedBody));
        headers.put("x-ms-certificate-url", server.url("localhost", certificatePath));
        headers.put("x-ms-signature-algorithm", "rsa-sha256");
        return headers;
    }

    /** null when the callback is genuine, else the outcome it is rejected with. */
    private static String outcome(Map<String, String> headers, byte[] body) {
        try {
            verifier.verify(name -> headers.get(name.toLowerCase(Locale.ROOT)), body).get(10, TimeUnit.SECONDS);
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException ? e.getCause().getCause() : e.getCause();
            if (cause instanceof CallbackRejectedException rejection) {
                return rejection.outcome();
            }
            throw new AssertionError(cause);
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void partnerCentersSignatureVerifies() {
        assertThat(outcome(headers(GENUINE_KEY, "/signer.cer", BODY), BODY)).isNull();
    }

    @Test
    void theSignatureMayComeInXMsSignatureInstead() {
        Map<String, String> headers = headers(GENUINE_KEY, "/signer.cer", BODY);
        headers.put("x-ms-signature", headers.remove("authorization").substring("Signature ".length()));
        assertThat(outcome(headers, BODY)).isNull();
    }

    @Test
    void aBodyChangedAfterSigningIsRefused() {
        byte[] tampered = new String(BODY, StandardCharsets.UTF_8).replace("G000000001", "G000000002")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(outcome(headers(GENUINE_KEY, "/signer.cer", BODY), tampered)).isEqualTo("bad_signature");
    }

    @Test
    void aSignatureByAnotherKeyThanTheCertificatesIsRefused() {
        assertThat(outcome(headers(TestCertificates.FIXTURES + "contoso-signer-key.pem", "/signer.cer", BODY), BODY))
                .isEqualTo("bad_signature");
    }

    @Test
    void aCertificateFromAnUntrustedCaIsRefusedEvenIfItNamesMicrosoft() {
        assertThat(outcome(headers(TestCertificates.FIXTURES + "rogue-signer-key.pem", "/rogue.cer", BODY), BODY))
                .isEqualTo("certificate_untrusted");
    }

    @Test
    void aTrustedCertificateOfAnotherOrganizationIsRefused() {
        assertThat(outcome(headers(TestCertificates.FIXTURES + "contoso-signer-key.pem", "/contoso.cer", BODY), BODY))
                .isEqualTo("certificate_organization");
    }

    @Test
    void aCertificateFromAHostNotAllowedIsNeverDownloaded() {
        int downloads = server.downloads();
        Map<String, String> headers = headers(GENUINE_KEY, "/signer.cer", BODY);
        headers.put("x-ms-certificate-url", server.url("127.0.0.1", "/signer.cer"));
        assertThat(outcome(headers, BODY)).isEqualTo("certificate_host");
        headers.put("x-ms-certificate-url", server.url("localhost", "/signer.cer").replace("https:", "http:"));
        assertThat(outcome(headers, BODY)).isEqualTo("certificate_host");
        assertThat(server.downloads()).isEqualTo(downloads);
    }

    @Test
    void missingHeadersOrAnotherAlgorithmAreRefused() {
        Map<String, String> unsigned = headers(GENUINE_KEY, "/signer.cer", BODY);
        unsigned.remove("authorization");
        assertThat(outcome(unsigned, BODY)).isEqualTo("unsigned");
        Map<String, String> sha1 = headers(GENUINE_KEY, "/signer.cer", BODY);
        sha1.put("x-ms-signature-algorithm", "rsa-sha1");
        assertThat(outcome(sha1, BODY)).isEqualTo("unsigned");
        Map<String, String> noCertificate = headers(GENUINE_KEY, "/signer.cer", BODY);
        noCertificate.remove("x-ms-certificate-url");
        assertThat(outcome(noCertificate, BODY)).isEqualTo("unsigned");
    }

    @Test
    void theCertificateIsDownloadedOnceAndKept() {
        outcome(headers(GENUINE_KEY, "/signer.cer", BODY), BODY);
        int downloads = server.downloads();
        for (int i = 0; i < 5; i++) {
            assertThat(outcome(headers(GENUINE_KEY, "/signer.cer", BODY), BODY)).isNull();
        }
        assertThat(server.downloads()).isEqualTo(downloads);
    }
}
