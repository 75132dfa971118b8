package io.balancestream.webhook;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.balancestream.config.BalanceStreamConfig;

/**
 * The certificates Partner Center signs its callbacks with: downloaded only over HTTPS from an allowed host, their
 * chain validated against the trust store, issued to the expected organization, and kept until they expire or an
 * hour has passed. The subject's organization is checked, not the issuer's as in Microsoft's C# sample: once the
 * chain is validated the issuer is vouched for already, and Microsoft's public CAs also issue certificates to
 * other organizations, so only the subject says the key is Microsoft's.
 * <p>
 * The download uses the JDK's HTTP client: a one-off request of a few kilobytes per certificate, made with the very
 * trust store the chain check uses.
 */
@ApplicationScoped
public class SigningCertificates {

    /** A certificate file is a few kilobytes; more is not one. */
    static final int MAX_CERTIFICATE_BYTES = 64 * 1024;
    private static final Duration KEEP_AT_MOST = Duration.ofHours(1);
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(10);

    private final Set<String> allowedHosts;
    private final String organization;
    private final Set<TrustAnchor> anchors;
    private final String trustDescription;
    private final HttpClient http;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(CompletableFuture<X509Certificate> certificate, Instant until) {
    }

    @Inject
    SigningCertificates(BalanceStreamConfig config) {
        this(config.webhook(), Clock.systemUTC());
    }

    SigningCertificates(BalanceStreamConfig.Webhook settings, Clock clock) {
        this.allowedHosts = settings.certificateHosts().stream().map(host -> host.strip().toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        this.organization = settings.certificateOrganization();
        this.clock = clock;
        List<X509Certificate> trusted = settings.trustStore().map(SigningCertificates::readTrustStore)
                .orElseGet(SigningCertificates::jvmTrustedCertificates);
        this.trustDescription = settings.trustStore().map(path -> "the CAs of " + path)
                .orElse("the JVM's trusted CAs") + " (" + trusted.size() + ")";
        this.anchors = trusted.stream().map(certificate -> new TrustAnchor(certificate, null))
                .collect(Collectors.toUnmodifiableSet());
        this.http = HttpClient.newBuilder().sslContext(sslContext(trusted)).connectTimeout(DOWNLOAD_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Which CAs are trusted, for the log. */
    String trustDescription() {
        return trustDescription;
    }

    /** The validated certificate behind a callback's X-MS-Certificate-Url. */
    CompletableFuture<X509Certificate> certificate(String url) {
        URI uri;
        try {
            uri = allowedUrl(url);
        } catch (CallbackRejectedException e) {
            return CompletableFuture.failedFuture(e);
        }
        Instant now = clock.instant();
        Cached cached = cache.compute(uri.toString(), (key, existing) -> {
            if (existing != null && now.isBefore(existing.until())
                    && !existing.certificate().isCompletedExceptionally()) {
                return existing;
            }
            return new Cached(download(uri).thenApply(this::validated), now.plus(KEEP_AT_MOST));
        });
        return cached.certificate().thenApply(certificate -> {
            if (!clock.instant().isBefore(certificate.getNotAfter().toInstant())) {
                cache.remove(uri.toString(), cached);
                throw new CertificateFailure("certificate_untrusted", "signing certificate expired on "
                        + certificate.getNotAfter().toInstant() + "; the next callback downloads it again");
            }
            return certificate;
        });
    }

    private URI allowedUrl(String url) throws CallbackRejectedException {
        URI uri;
        try {
            uri = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            throw new CallbackRejectedException("certificate_host", "X-MS-Certificate-Url is not a URL");
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw new CallbackRejectedException("certificate_host", "X-MS-Certificate-Url is not an https URL: " + uri);
        }
        if (!allowedHosts.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
            throw new CallbackRejectedException("certificate_host", "certificate host " + uri.getHost()
                    + " is not in balance-stream.webhook.certificate-hosts");
        }
        return uri;
    }

    private CompletableFuture<List<X509Certificate>> download(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(DOWNLOAD_TIMEOUT).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(response -> {
                    try (InputStream body = response.body()) {
                        if (response.statusCode() != 200) {
                            throw new CertificateFailure("certificate_unavailable", "certificate download from "
                                    + uri + " answered HTTP " + response.statusCode());
                        }
                        byte[] bytes = body.readNBytes(MAX_CERTIFICATE_BYTES + 1);
                        if (bytes.length > MAX_CERTIFICATE_BYTES) {
                            throw new CertificateFailure("certificate_unavailable", "certificate at " + uri
                                    + " is longer than " + MAX_CERTIFICATE_BYTES + " bytes");
                        }
                        return parse(bytes, uri);
                    } catch (IOException e) {
                        throw new CertificateFailure("certificate_unavailable", "certificate download from " + uri
                                + " failed: " + e.getMessage());
                    }
                })
                .exceptionally(failure -> {
                    Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause()
                            : failure;
                    if (cause instanceof CertificateFailure known) {
                        throw known;
                    }
                    throw new CertificateFailure("certificate_unavailable", "certificate download from " + uri
                            + " failed: " + cause);
                });
    }

    private static List<X509Certificate> parse(byte[] bytes, URI uri) {
        try {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes));
            List<X509Certificate> chain = new ArrayList<>();
            certificates.forEach(certificate -> chain.add((X509Certificate) certificate));
            if (chain.isEmpty()) {
                throw new CertificateFailure("certificate_unavailable", uri + " holds no certificate");
            }
            return chain;
        } catch (GeneralSecurityException e) {
            throw new CertificateFailure("certificate_unavailable", uri + " holds no readable certificate");
        }
    }

    /** The first certificate signs; any further ones are its intermediates. */
    private X509Certificate validated(List<X509Certificate> chain) {
        X509Certificate signer = chain.get(0);
        try {
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(java.util.Date.from(clock.instant()));
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(chain), parameters);
        } catch (GeneralSecurityException e) {
            throw new CertificateFailure("certificate_untrusted", "signing certificate "
                    + signer.getSubjectX500Principal().getName() + " does not chain to a trusted CA: "
                    + e.getMessage());
        }
        boolean[] keyUsage = signer.getKeyUsage();
        if (keyUsage != null && !keyUsage[0]) {
            throw new CertificateFailure("certificate_untrusted", "signing certificate "
                    + signer.getSubjectX500Principal().getName() + " is not for digital signatures");
        }
        List<String> organizations = organizations(signer);
        if (!organizations.contains(organization)) {
            throw new CertificateFailure("certificate_organization", "signing certificate is issued to "
                    + (organizations.isEmpty() ? "no organization" : "O=" + String.join(", O=", organizations))
                    + ", not O=" + organization + " (balance-stream.webhook.certificate-organization)");
        }
        return signer;
    }

    private static List<String> organizations(X509Certificate certificate) {
        try {
            return new LdapName(certificate.getSubjectX500Principal().getName()).getRdns().stream()
                    .filter(rdn -> "O".equalsIgnoreCase(rdn.getType())).map(Rdn::getValue).map(String::valueOf)
                    .toList();
        } catch (InvalidNameException e) {
            return List.of();
        }
    }

    /** Unchecked, to travel through the futures; turned into a {@link CallbackRejectedException} by the verifier. */
    static final class CertificateFailure extends RuntimeException {
        private final String outcome;

        CertificateFailure(String outcome, String message) {
            super(message, null, false, false);
            this.outcome = outcome;
        }

        CallbackRejectedException rejection() {
            return new CallbackRejectedException(outcome, getMessage());
        }
    }

    private static List<X509Certificate> readTrustStore(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            List<X509Certificate> certificates = new ArrayList<>();
            CertificateFactory.getInstance("X.509").generateCertificates(in)
                    .forEach(certificate -> certificates.add((X509Certificate) certificate));
            if (certificates.isEmpty()) {
                throw new IllegalStateException("balance-stream.webhook.trust-store (" + path
                        + ") holds no PEM certificate");
            }
            return certificates;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("balance-stream.webhook.trust-store (" + path + ") cannot be read as PEM "
                    + "certificates: " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> jvmTrustedCertificates() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            List<X509Certificate> certificates = new ArrayList<>();
            for (var manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    certificates.addAll(List.of(x509.getAcceptedIssuers()));
                }
            }
            return certificates;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JVM's trusted CA certificates cannot be read: " + e.getMessage(), e);
        }
    }

    private static SSLContext sslContext(List<X509Certificate> trusted) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < trusted.size(); i++) {
                store.setCertificateEntry("ca-" + i, trusted.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("balance-stream.webhook.trust-store cannot serve TLS: " + e.getMessage(), e);
        }
    }
}
