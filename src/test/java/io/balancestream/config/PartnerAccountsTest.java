package io.balancestream.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PartnerAccountsTest {

    @Test
    void variablesOfConfiguredAccountsAreExplainedWhateverTheIdSpelling() {
        Map<String, String> environment = Map.of(
                "BALANCE_STREAM_ACCOUNTS_CONTOSO_TENANT_ID", "t",
                "BALANCE_STREAM_ACCOUNTS_CONTOSO_CN_CLIENT_SECRET", "s",
                "BALANCE_STREAM_POLL_INTERVAL", "1m",
                "PATH", "/usr/bin");

        assertThat(PartnerAccounts.unmappedVariables(environment, List.of("contoso", "contoso-cn"))).isEmpty();
    }

    @Test
    void aVariableNoConfiguredAccountTookIsNamed() {
        Map<String, String> environment = Map.of(
                "BALANCE_STREAM_ACCOUNTS_CONTOSO_CN_TENANT_ID", "t",
                "BALANCE_STREAM_ACCOUNTS_CONTOSO_CN_CLIENT_SECRET", "never-shown",
                "BALANCE_STREAM_ACCOUNTS_FABRIKAM_TENANT_ID", "t");

        assertThat(PartnerAccounts.unmappedVariables(environment, List.of("fabrikam"))).containsExactly(
                "BALANCE_STREAM_ACCOUNTS_CONTOSO_CN_CLIENT_SECRET", "BALANCE_STREAM_ACCOUNTS_CONTOSO_CN_TENANT_ID");
    }
}
