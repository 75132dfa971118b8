package io.balancestream.webhook;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Decides whether a callback comes from Partner Center: the signature headers are there, the algorithm is
 * rsa-sha256, the certificate named by X-MS-Certificate-Url is trusted ({@link SigningCertificates}), and its key
 * verifies the signature over the raw body bytes, exactly as they arrived.
 */
@ApplicationScoped
public class CallbackVerifier {

    static final String SIGNATURE_PREFIX = "Signature ";

    private final SigningCertificates certificates;

    @Inject
    CallbackVerifier(SigningCertificates certificates) {
        this.certificates = certificates;
    }

    /**
     * @param header a request header by name (case-insensitive), null when absent
     * @return completes when the callback is genuine; fails with a {@link CallbackRejectedException} otherwise
     */
    CompletableFuture<Void> verify(UnaryOperator<String> header, byte[] body) {
        byte[] signature;
        String certificateUrl;
        try {
            signature = signature(header);
            String algorithm = header.apply("X-MS-Signature-Algorithm");
            if (algorithm == null || !"rsa-sha256".equals(algorithm.strip().toLowerCase(Locale.ROOT))) {
                throw new CallbackRejectedException("unsigned", "X-MS-Signature-Algorithm is "
                        + (algorithm == null ? "missing" : "'" + algorithm + "'") + ", expected rsa-sha256");
            }
            certificateUrl = header.apply("X-MS-Certificate-Url");
            if (certificateUrl == null || certificateUrl.isBlank()) {
                throw new CallbackRejectedException("unsigned", "X-MS-Certificate-Url is missing");
            }
        } catch (CallbackRejectedException e) {
            return CompletableFuture.failedFuture(e);
        }
        return certificates.certificate(certificateUrl)
                .handle((certificate, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                        throw new CompletionException(cause instanceof SigningCertificates.CertificateFailure known
                                ? known.rejection() : cause);
                    }
                    if (!signedBy(certificate, signature, body)) {
                        throw new CompletionException(new CallbackRejectedException("bad_signature",
                                "the signature does not match the body and the certificate of "
                                        + certificate.getSubjectX500Principal().getName()));
                    }
                    return null;
                });
    }

    /** From {@code Authorization: Signature <base64>}, or from {@code x-ms-signature} when Partner Center sends that. */
    private static byte[] signature(UnaryOperator<String> header) throws CallbackRejectedException {
        String authorization = header.apply("Authorization");
        String encoded = null;
        if (authorization != null && authorization.regionMatches(true, 0, SIGNATURE_PREFIX, 0,
                SIGNATURE_PREFIX.length())) {
            encoded = authorization.substring(SIGNATURE_PREFIX.length()).strip();
        } else if (header.apply("x-ms-signature") != null) {
            encoded = header.apply("x-ms-signature").strip();
        }
        if (encoded == null || encoded.isEmpty()) {
            throw new CallbackRejectedException("unsigned", "no signature (Authorization: Signature or x-ms-signature)");
        }
        try {
            return Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new CallbackRejectedException("unsigned", "the signature is not base64");
        }
    }

    private static boolean signedBy(X509Certificate certificate, byte[] signature, byte[] body) {
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(body);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
