package io.balancestream.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.LaunchMode;

/** The configured partner accounts, validated once: a missing or invalid setting stops startup with its key. */
@ApplicationScoped
public class PartnerAccounts {

    private static final Logger LOG = Logger.getLogger(PartnerAccounts.class);
    private static final String PREFIX = "BALANCE_STREAM_ACCOUNTS_";
    private static final List<String> SETTINGS = List.of("TENANT_ID", "CLIENT_ID", "CLIENT_SECRET", "CLOUD",
            "API_URL", "TOKEN_URL", "SCOPE", "WEBHOOK_ENABLED", "WEBHOOK_PUBLIC_URL", "WEBHOOK_SEND_VALIDATION_EVENT", "AUTH", "REFRESH_TOKEN");

    private final List<PartnerAccount> accounts;
    private final Map<String, PartnerAccount> byId = new java.util.HashMap<>();

    @Inject
    PartnerAccounts(BalanceStreamConfig config) {
        this(config, System.getenv());
    }

    PartnerAccounts(BalanceStreamConfig config, Map<String, String> environment) {
        List<String> unmapped = unmappedVariables(environment, config.accounts().keySet());
        if (!unmapped.isEmpty()) {
            throw new IllegalStateException("Environment variable(s) " + unmapped + " set no setting of any "
                    + "configured account. A variable name cannot carry '-' or '.', so an account id like contoso-cn "
                    + "cannot come from environment variables alone: use an id of letters and digits there "
                    + "(BALANCE_STREAM_ACCOUNTS_CONTOSOCN_TENANT_ID), or declare the account in application.properties "
                    + "or a system property (balance-stream.accounts.contoso-cn.tenant-id), after which "
                    + "BALANCE_STREAM_ACCOUNTS_CONTOSO_CN_CLIENT_SECRET and its siblings apply to it");
        }
        if (config.accounts().isEmpty()) {
            throw new IllegalStateException("No partner account configured: set balance-stream.accounts.<account-id>"
                    + ".tenant-id, .client-id and .client-secret for at least one account");
        }
        boolean plainHttpAllowed = LaunchMode.current().isDevOrTest() || config.allowPlainHttp();
        if (config.allowPlainHttp()) {
            LOG.warn("balance-stream.allow-plain-http is true: Partner Center and token URLs may be plain http, so "
                    + "client secrets and tokens may travel in clear text. Never do this outside a closed test network");
        }
        List<PartnerAccount> resolved = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, BalanceStreamConfig.Account> entry : new TreeMap<>(config.accounts()).entrySet()) {
            try {
                resolved.add(PartnerAccount.from(entry.getKey(), entry.getValue(), plainHttpAllowed));
            } catch (IllegalArgumentException e) {
                errors.add(e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("Invalid balance-stream configuration: " + String.join("; ", errors));
        }
        this.accounts = Collections.unmodifiableList(resolved);
        resolved.forEach(account -> byId.put(account.accountId(), account));
    }

    /**
     * The BALANCE_STREAM_ACCOUNTS_* variables that Quarkus' environment mapping gave to no configured account: left
     * alone they would silently drop an account (and its secret would go unmasked).
     */
    static List<String> unmappedVariables(Map<String, String> environment, Collection<String> accountIds) {
        Set<String> known = new HashSet<>();
        for (String accountId : accountIds) {
            for (String setting : SETTINGS) {
                known.add(PREFIX + environmentName(accountId) + "_" + setting);
            }
        }
        return environment.keySet().stream().filter(name -> name.startsWith(PREFIX) && !known.contains(name))
                .sorted().toList();
    }

    /** How SmallRye Config spells a name in the environment: upper case, anything else than [A-Z0-9] as '_'. */
    private static String environmentName(String name) {
        return name.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    public List<PartnerAccount> all() {
        return accounts;
    }

    /** The accounts that take Partner Center's callbacks ({@code webhook.enabled}). */
    public List<PartnerAccount> withWebhook() {
        return accounts.stream().filter(account -> account.webhook().enabled()).toList();
    }

    public List<String> ids() {
        return accounts.stream().map(PartnerAccount::accountId).toList();
    }

    public java.util.Optional<PartnerAccount> find(String accountId) {
        return java.util.Optional.ofNullable(byId.get(accountId));
    }

    public PartnerAccount byId(String accountId) {
        PartnerAccount account = byId.get(accountId);
        if (account == null) {
            throw new IllegalArgumentException("no account " + accountId);
        }
        return account;
    }
}
