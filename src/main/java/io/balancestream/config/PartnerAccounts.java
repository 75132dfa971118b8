package io.balancestream.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

/** The configured partner accounts, validated once: a missing or invalid setting stops startup with its key. */
@ApplicationScoped
public class PartnerAccounts {

    private final List<PartnerAccount> accounts;

    PartnerAccounts(BalanceStreamConfig config) {
        if (config.accounts().isEmpty()) {
            throw new IllegalStateException("No partner account configured: set balance-stream.accounts.<account-id>"
                    + ".tenant-id, .client-id and .client-secret for at least one account");
        }
        List<PartnerAccount> resolved = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, BalanceStreamConfig.Account> entry : new TreeMap<>(config.accounts()).entrySet()) {
            try {
                resolved.add(PartnerAccount.from(entry.getKey(), entry.getValue()));
            } catch (IllegalArgumentException e) {
                errors.add(e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("Invalid balance-stream configuration: " + String.join("; ", errors));
        }
        this.accounts = Collections.unmodifiableList(resolved);
    }

    public List<PartnerAccount> all() {
        return accounts;
    }

    public List<String> ids() {
        return accounts.stream().map(PartnerAccount::accountId).toList();
    }

    public PartnerAccount byId(String accountId) {
        return accounts.stream().filter(account -> account.accountId().equals(accountId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no account " + accountId));
    }
}
