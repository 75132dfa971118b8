package io.balancestream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class PartnerAccountTest {

    record Settings(String tenantId, String clientId, String clientSecret, Cloud cloud, Optional<URI> apiUrl,
            Optional<URI> tokenUrl, Optional<String> scope, Webhook webhook, BalanceStreamConfig.Auth auth,
            Optional<String> refreshToken, boolean multiCurrency) implements BalanceStreamConfig.Account {
        Settings(String tenantId, String clientId, String clientSecret, Cloud cloud, Optional<URI> apiUrl,
                Optional<URI> tokenUrl, Optional<String> scope, Webhook webhook, BalanceStreamConfig.Auth auth,
                Optional<String> refreshToken) {
            this(tenantId, clientId, clientSecret, cloud, apiUrl, tokenUrl, scope, webhook, auth, refreshToken, false);
        }

        Settings(String tenantId, String clientId, String clientSecret, Cloud cloud, Optional<URI> apiUrl,
                Optional<URI> tokenUrl, Optional<String> scope, Webhook webhook) {
            this(tenantId, clientId, clientSecret, cloud, apiUrl, tokenUrl, scope, webhook, BalanceStreamConfig.Auth.APP,
                    Optional.empty());
        }

        Settings(String tenantId, String clientId, String clientSecret, Cloud cloud, Optional<URI> apiUrl,
                Optional<URI> tokenUrl, Optional<String> scope) {
            this(tenantId, clientId, clientSecret, cloud, apiUrl, tokenUrl, scope, new Webhook(false, Optional.empty(),
                    false));
        }
    }

    @Test
    void appUserNeedsARefreshTokenAndAsksForTheDelegatedScope() {
        Webhook off = new Webhook(false, Optional.empty(), false);
        PartnerAccount account = PartnerAccount.from("a", new Settings("t", "c", "s", Cloud.GLOBAL, Optional.empty(),
                Optional.empty(), Optional.empty(), off, BalanceStreamConfig.Auth.APP_USER, Optional.of("rt-secret")));
        assertThat(account.appUser()).isTrue();
        assertThat(account.scope()).isEqualTo("https://api.partnercenter.microsoft.com/user_impersonation "
                + "offline_access");
        assertThat(account.toString()).doesNotContain("rt-secret").contains("auth=app-user");
        assertThatThrownBy(() -> PartnerAccount.from("a", new Settings("t", "c", "s", Cloud.GLOBAL, Optional.empty(),
                Optional.empty(), Optional.empty(), off, BalanceStreamConfig.Auth.APP_USER, Optional.empty())))
                .hasMessageContaining("balance-stream.accounts.a.refresh-token is required with "
                        + "balance-stream.accounts.a.auth=app-user");
        assertThatThrownBy(() -> PartnerAccount.from("a", new Settings("t", "c", "s", Cloud.GLOBAL, Optional.empty(),
                Optional.empty(), Optional.empty(), off, BalanceStreamConfig.Auth.APP, Optional.of("rt-secret"))))
                .hasMessageContaining("balance-stream.accounts.a.refresh-token is set but").hasMessageNotContaining(
                        "rt-secret");
    }

    @Test
    void multiCurrencyIsAnAppUserSetting() {
        Webhook off = new Webhook(false, Optional.empty(), false);
        assertThat(PartnerAccount.from("a", new Settings("t", "c", "s", Cloud.GLOBAL, Optional.empty(),
                Optional.empty(), Optional.empty(), off, BalanceStreamConfig.Auth.APP_USER, Optional.of("rt"), true))
                .multiCurrency()).isTrue();
        assertThatThrownBy(() -> PartnerAccount.from("a", new Settings("t", "c", "s", Cloud.GLOBAL, Optional.empty(),
                Optional.empty(), Optional.empty(), off, BalanceStreamConfig.Auth.APP, Optional.empty(), true)))
                .hasMessageContaining("balance-stream.accounts.a.multi-currency=true needs "
                        + "balance-stream.accounts.a.auth=app-user");
    }

    record Webhook(boolean enabled, Optional<URI> publicUrl, boolean sendValidationEvent)
            implements BalanceStreamConfig.AccountWebhook {
    }

    private static Settings withWebhook(Webhook webhook) {
        return new Settings("t", "c", "s", Cloud.GLOBAL, Optional.empty(), Optional.empty(), Optional.empty(), webhook);
    }

    @Test
    void aWebhookUrlNeedsTheWebhookEnabledAndHttpsOutsideDevAndTest() {
        URI https = URI.create("https://balances.contoso.example/partner-center/webhooks/a");
        assertThat(PartnerAccount.from("a", withWebhook(new Webhook(true, Optional.of(https), true))).webhook())
                .isEqualTo(new PartnerAccount.Webhook(true, Optional.of(https), true));
        assertThatThrownBy(() -> PartnerAccount.from("a", withWebhook(new Webhook(false, Optional.of(https), false))))
                .hasMessageContaining("balance-stream.accounts.a.webhook.public-url is set but "
                        + "balance-stream.accounts.a.webhook.enabled is false");
        assertThatThrownBy(() -> PartnerAccount.from("a", withWebhook(new Webhook(true,
                Optional.of(URI.create("http://balances.contoso.example/partner-center/webhooks/a")), false))))
                .hasMessageContaining("balance-stream.accounts.a.webhook.public-url is plain http");
        assertThatThrownBy(() -> PartnerAccount.from("a", withWebhook(new Webhook(true, Optional.empty(), true))))
                .hasMessageContaining("balance-stream.accounts.a.webhook.send-validation-event needs");
    }

    private static Settings settings(Cloud cloud) {
        return new Settings("tenant-1", "client-1", "very-secret", cloud, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    @Test
    void globalCloudDefaults() {
        PartnerAccount account = PartnerAccount.from("a", settings(Cloud.GLOBAL));
        assertThat(account.apiUrl()).isEqualTo(URI.create("https://api.partnercenter.microsoft.com"));
        assertThat(account.tokenUrl())
                .isEqualTo(URI.create("https://login.microsoftonline.com/tenant-1/oauth2/v2.0/token"));
        assertThat(account.scope()).isEqualTo("https://api.partnercenter.microsoft.com/.default");
    }

    @Test
    void chinaCloudDefaults() {
        PartnerAccount account = PartnerAccount.from("a", settings(Cloud.CHINA));
        assertThat(account.apiUrl()).isEqualTo(URI.create("https://partner.partnercenterapi.microsoftonline.cn"));
        assertThat(account.tokenUrl())
                .isEqualTo(URI.create("https://login.chinacloudapi.cn/tenant-1/oauth2/v2.0/token"));
        assertThat(account.scope()).isEqualTo("https://partner.partnercenterapi.microsoftonline.cn/.default");
    }

    @Test
    void usGovernmentCloudDefaults() {
        PartnerAccount account = PartnerAccount.from("a", settings(Cloud.US_GOV));
        assertThat(account.apiUrl()).isEqualTo(URI.create("https://api.partnercenter.microsoft.com"));
        assertThat(account.tokenUrl())
                .isEqualTo(URI.create("https://login.microsoftonline.us/tenant-1/oauth2/v2.0/token"));
    }

    @Test
    void overridesWin() {
        Settings overridden = new Settings("t", "c", "s", Cloud.GLOBAL, Optional.of(URI.create("https://proxy:8443/pc")),
                Optional.of(URI.create("https://proxy:8443/token")), Optional.of("api://custom/.default"));
        PartnerAccount account = PartnerAccount.from("a", overridden);
        assertThat(account.apiUrl()).isEqualTo(URI.create("https://proxy:8443/pc"));
        assertThat(account.tokenUrl()).isEqualTo(URI.create("https://proxy:8443/token"));
        assertThat(account.scope()).isEqualTo("api://custom/.default");
    }

    @Test
    void invalidSettingsNameTheirKeyAndNeverTheSecret() {
        Settings relative = new Settings("t", "c", "very-secret", Cloud.GLOBAL, Optional.of(URI.create("/relative")),
                Optional.empty(), Optional.empty());
        assertThatThrownBy(() -> PartnerAccount.from("acme", relative))
                .hasMessageContaining("balance-stream.accounts.acme.api-url").hasMessageNotContaining("very-secret");
        Settings blankTenant = new Settings(" ", "c", "very-secret", Cloud.GLOBAL, Optional.empty(), Optional.empty(),
                Optional.empty());
        assertThatThrownBy(() -> PartnerAccount.from("acme", blankTenant))
                .hasMessageContaining("balance-stream.accounts.acme.tenant-id");
        Settings blankSecret = new Settings("t", "c", "  ", Cloud.GLOBAL, Optional.empty(), Optional.empty(),
                Optional.empty());
        assertThatThrownBy(() -> PartnerAccount.from("acme", blankSecret))
                .hasMessageContaining("balance-stream.accounts.acme.client-secret");
    }

    @Test
    void toStringLeavesTheSecretOut() {
        assertThat(PartnerAccount.from("a", settings(Cloud.GLOBAL)).toString()).doesNotContain("very-secret")
                .contains("tenant-1");
    }

    @Test
    void plainHttpIsRefusedExceptOnLoopbackOrWhenAllowed() {
        Settings typo = new Settings("t", "c", "very-secret", Cloud.GLOBAL,
                Optional.of(URI.create("http://partner.example.com")), Optional.empty(), Optional.empty());
        assertThatThrownBy(() -> PartnerAccount.from("acme", typo)).hasMessageContaining(
                "balance-stream.accounts.acme.api-url is plain http").hasMessageNotContaining("very-secret");
        assertThat(PartnerAccount.from("acme", typo, true).apiUrl()).isEqualTo(URI.create("http://partner.example.com"));

        for (String loopback : new String[] { "http://localhost:8080/pc", "http://127.0.0.1/pc", "http://[::1]:80/" }) {
            Settings local = new Settings("t", "c", "s", Cloud.GLOBAL, Optional.of(URI.create(loopback)),
                    Optional.of(URI.create(loopback + "/token")), Optional.empty());
            assertThat(PartnerAccount.from("acme", local).apiUrl()).isEqualTo(URI.create(loopback));
        }
    }
}
