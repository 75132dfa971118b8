package io.balancestream.state;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.balancestream.state.AccountStateCodec.StoredState;

/**
 * What recovery found for a set of accounts: the last stored state of each account that has published before, and
 * per account any problem found on the way. An account with an unreadable state record must not be polled (it
 * would start its sequence again); an account whose events are missing from the event topic goes on, loudly.
 *
 * @param states     by account id; an absent account has never published
 * @param unreadable accounts that must not start, with the reason
 * @param problems   every problem found, by account id (unreadable ones included)
 * @param refreshTokens the newest sealed refresh token of each App+User account that stored one
 */
public record RecoveredStates(Map<String, StoredState> states, Map<String, String> unreadable,
        Map<String, String> problems, Map<String, byte[]> refreshTokens) {

    public RecoveredStates(Map<String, StoredState> states, Map<String, String> unreadable,
            Map<String, String> problems) {
        this(states, unreadable, problems, Map.of());
    }

    /** Collects records in offset order; the newest record of an account wins, as compaction would decide. */
    static final class Builder {
        private final Set<String> accountIds;
        private final Map<String, StoredState> states = new HashMap<>();
        private final Map<String, String> unreadable = new HashMap<>();
        private final Map<String, String> problems = new HashMap<>();
        private final Map<String, byte[]> refreshTokens = new HashMap<>();

        Builder(Set<String> accountIds) {
            this.accountIds = accountIds;
        }

        void stored(StoredState state, String key) {
            if (!key.equals(state.accountId())) {
                unreadable(key, "state record with key " + key + " names account " + state.accountId());
                return;
            }
            states.put(key, state);
            // A later readable record supersedes an earlier unreadable one.
            if (unreadable.remove(key) != null) {
                problems.remove(key);
            }
        }

        void deleted(String key, int partition, long offset) {
            // A tombstone would make the account start again at sequence 1: never accept one silently.
            unreadable(key, "state of " + key + " was deleted (tombstone at partition " + partition + " offset "
                    + offset + "); delete its events too or write its state back before polling it again");
        }

        void unreadable(String key, String reason) {
            if (accountIds.contains(key)) {
                states.remove(key);
                unreadable.put(key, reason);
                problems.put(key, reason);
            }
        }

        /** A sealed refresh token (null: deleted); the newest record wins. */
        void refreshToken(String accountId, byte[] sealed) {
            if (sealed == null) {
                refreshTokens.remove(accountId);
            } else {
                refreshTokens.put(accountId, sealed);
            }
        }

        void missingEvents(String key, String problem) {
            problems.put(key, problem);
        }

        Map<String, StoredState> states() {
            return states;
        }

        RecoveredStates build() {
            return new RecoveredStates(Map.copyOf(states), Map.copyOf(unreadable), Map.copyOf(problems),
                    Map.copyOf(refreshTokens));
        }
    }
}
