package io.balancestream.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class RefreshTokenCipherTest {

    private static final String CONFIGURED = "0.AUsA-configured-refresh-token";
    private static final String NEWEST = "0.AUsA-rotated-refresh-token-3";
    private final RefreshTokenCipher cipher = new RefreshTokenCipher("contoso", "client-secret-of-contoso");

    @Test
    void theNewestTokenComesBackAndNeverStandsInClear() {
        byte[] sealed = cipher.seal(NEWEST, CONFIGURED);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(NEWEST).doesNotContain(CONFIGURED);
        assertThat(cipher.open(sealed, CONFIGURED)).contains(NEWEST);
        assertThat(cipher.seal(NEWEST, CONFIGURED)).as("a fresh nonce each time").isNotEqualTo(sealed);
    }

    @Test
    void aNewlyConfiguredTokenWinsOverTheStoredOne() {
        byte[] sealed = cipher.seal(NEWEST, CONFIGURED);
        assertThat(cipher.open(sealed, "0.AUsA-token-of-a-new-consent")).isEmpty();
    }

    @Test
    void anotherKeyOrAnotherAccountCannotOpenIt() {
        byte[] sealed = cipher.seal(NEWEST, CONFIGURED);
        assertThatThrownBy(() -> new RefreshTokenCipher("contoso", "a-new-client-secret").open(sealed, CONFIGURED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("client secret");
        assertThatThrownBy(() -> new RefreshTokenCipher("fabrikam", "client-secret-of-contoso").open(sealed,
                CONFIGURED)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDamagedValueIsRefused() {
        byte[] sealed = cipher.seal(NEWEST, CONFIGURED);
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> cipher.open(sealed, CONFIGURED)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cipher.open(new byte[] { 9, 9 }, CONFIGURED))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
