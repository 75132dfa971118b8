package io.balancestream.credentials;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals an account's newest refresh token for the state topic and opens it again: AES-256-GCM with a key derived
 * (HKDF-SHA256) from the account's client secret, or from {@code balance-stream.credentials-key} when set, and bound
 * to the account id. The sealed value also carries a keyed fingerprint of the refresh token configured when it was
 * written: once an operator configures a new one (after a new consent), the stored token is older and is ignored.
 * The JDK has every piece; written here because no extension seals a value for a Kafka record.
 */
public final class RefreshTokenCipher {

    private static final byte VERSION = 1;
    private static final int FINGERPRINT_BYTES = 16;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] SALT = "balance-stream/refresh-token/v1".getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String accountId;
    private final SecretKeySpec key;
    private final byte[] fingerprintKey;

    /** The cipher of an account: keyed by the dedicated key when set, else by the account's client secret. */
    public static RefreshTokenCipher of(io.balancestream.config.PartnerAccount account, Optional<String> credentialsKey) {
        return new RefreshTokenCipher(account.accountId(), credentialsKey.orElse(account.clientSecret()));
    }

    /**
     * @param keyMaterial the account's client secret, or the dedicated key setting
     */
    public RefreshTokenCipher(String accountId, String keyMaterial) {
        this.accountId = accountId;
        byte[] prk = hmac(SALT, keyMaterial.getBytes(StandardCharsets.UTF_8));
        this.key = new SecretKeySpec(expand(prk, "aes-256-gcm/" + accountId), "AES");
        this.fingerprintKey = expand(prk, "fingerprint/" + accountId);
    }

    public byte[] seal(String newestRefreshToken, String configuredRefreshToken) {
        byte[] fingerprint = fingerprint(configuredRefreshToken);
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(fingerprint));
            byte[] sealed = cipher.doFinal(newestRefreshToken.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(1 + FINGERPRINT_BYTES + NONCE_BYTES + sealed.length).put(VERSION)
                    .put(fingerprint).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * @return the stored newest token when it descends from {@code configuredRefreshToken}; empty when the operator
     *         configured another token since
     * @throws IllegalArgumentException when the value cannot be opened (another key, another account, damaged)
     */
    public Optional<String> open(byte[] value, String configuredRefreshToken) {
        if (value == null || value.length <= 1 + FINGERPRINT_BYTES + NONCE_BYTES || value[0] != VERSION) {
            throw new IllegalArgumentException("not a sealed refresh token of this version");
        }
        byte[] fingerprint = Arrays.copyOfRange(value, 1, 1 + FINGERPRINT_BYTES);
        byte[] nonce = Arrays.copyOfRange(value, 1 + FINGERPRINT_BYTES, 1 + FINGERPRINT_BYTES + NONCE_BYTES);
        String opened;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(fingerprint));
            opened = new String(cipher.doFinal(value, 1 + FINGERPRINT_BYTES + NONCE_BYTES,
                    value.length - 1 - FINGERPRINT_BYTES - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the sealed refresh token cannot be opened with this account's key "
                    + "(was the client secret or balance-stream.credentials-key changed?)");
        }
        return MessageDigest.isEqual(fingerprint, fingerprint(configuredRefreshToken)) ? Optional.of(opened)
                : Optional.empty();
    }

    private byte[] associatedData(byte[] fingerprint) {
        byte[] account = accountId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(account.length + fingerprint.length).put(account).put(fingerprint).array();
    }

    private byte[] fingerprint(String configuredRefreshToken) {
        return Arrays.copyOf(hmac(fingerprintKey, configuredRefreshToken.getBytes(StandardCharsets.UTF_8)),
                FINGERPRINT_BYTES);
    }

    /** HKDF-Expand (RFC 5869) of one 32-byte block. */
    private static byte[] expand(byte[] prk, String info) {
        byte[] infoBytes = info.getBytes(StandardCharsets.UTF_8);
        byte[] input = Arrays.copyOf(infoBytes, infoBytes.length + 1);
        input[infoBytes.length] = 1;
        return hmac(prk, input);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
