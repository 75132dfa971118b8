package io.balancestream.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** balance-stream's settings: the product's configuration interface, documented in the README. */
@ConfigMapping(prefix = "balance-stream")
public interface BalanceStreamConfig {

    /** The partner accounts to watch, keyed by an account id of your choosing (it becomes the Kafka key). */
    Map<String, Account> accounts();

    /**
     * False runs no poller at all (and needs no account): for an instance that only hosts the simulator (the
     * {@code simulator} build profile, used by docker-compose.yml).
     */
    @WithDefault("true")
    boolean pollingEnabled();

    /**
     * Allows plain-http Partner Center and token URLs outside dev and test (loopback addresses always may): for a
     * closed test network only, loudly logged.
     */
    @WithDefault("false")
    boolean allowPlainHttp();

    /**
     * Optional key for sealing App+User refresh tokens in the state topic; by default each account's client secret
     * (then a new client secret means a new consent). Never logged.
     */
    Optional<String> credentialsKey();

    /** Time between the end of one poll of an account and the start of the next. */
    @WithDefault("5m")
    Duration pollInterval();

    /**
     * First polls (token request, fetch, first publish) running at once when the group hands over many accounts;
     * the others wait their turn.
     */
    @WithDefault("32")
    int firstPollConcurrency();

    /** Sent as MS-PartnerCenter-Application so Microsoft can tell which application calls. */
    @WithDefault("balance-stream")
    String applicationName();

    Http http();

    Health health();

    Webhook webhook();

    /** How Partner Center's signed callbacks are checked and how often they may trigger a poll (all accounts). */
    interface Webhook {

        /** Hosts a signing certificate may be downloaded from (over HTTPS only), exactly as in the URL. */
        @WithDefault("3psostorageacct.blob.core.windows.net")
        List<String> certificateHosts();

        /** The organization (O=) the signing certificate must be issued to. */
        @WithDefault("Microsoft Corporation")
        String certificateOrganization();

        /**
         * A PEM file of CA certificates trusted for the certificate download (TLS) and the signing certificate's
         * chain; the JVM's trusted CAs when unset.
         */
        Optional<Path> trustStore();

        /** A pushed poll of an account starts at least this long after the start of its previous poll. */
        @WithDefault("5s")
        Duration minPollInterval();
    }

    Kafka kafka();

    /**
     * Where events and state live in Kafka and how instances share the accounts. Client settings (bootstrap
     * servers, security, timeouts) are Kafka's own, under {@code kafka.*}, for every client the service opens.
     */
    interface Kafka {

        /** The event topic: key = account id, value = BalanceChanged. */
        @WithDefault("partner-center.balance-changed")
        String topic();

        /** The compacted state topic: key = account id, value = its last published state. Default: topic + ".state". */
        Optional<String> stateTopic();

        /** The consumer group every instance joins; its partitions decide which instance polls which account. */
        @WithDefault("balance-stream")
        String groupId();

        /** Partitions of topics the service creates: at most this many instances share the work. */
        @WithDefault("6")
        int partitions();

        /** Replication factor of topics the service creates; the broker's default when unset. */
        Optional<Short> replicationFactor();

        /** min.insync.replicas of topics the service creates; the broker's default when unset. */
        Optional<Integer> minInsyncReplicas();

        /** Serializer of event values: Avro single-object encoding, or Apicurio Registry's Avro serde. */
        @WithDefault("io.balancestream.event.BalanceChangedSerializer")
        String valueSerializer();

        /** A transaction open longer than this is aborted by Kafka (a crashed instance's, for instance). */
        @WithDefault("15s")
        Duration transactionTimeout();

        /** How long a silent instance keeps its accounts before the group gives them to another. */
        @WithDefault("10s")
        Duration sessionTimeout();

        /**
         * Verified invoice-ready callbacks handed from the instance that received them to the one that polls the
         * account (one partition, kept an hour). Default: topic + ".webhooks"; created only when a webhook is enabled.
         */
        Optional<String> webhookTopic();

        default String stateTopicName() {
            return stateTopic().orElse(topic() + ".state");
        }

        default String webhookTopicName() {
            return webhookTopic().orElse(topic() + ".webhooks");
        }
    }

    interface Health {

        /** An account failing (or not yet succeeding) for longer than this makes the service not ready. */
        @WithDefault("15m")
        Duration failureGracePeriod();
    }

    interface Account {

        /** Microsoft Entra tenant id (GUID or domain) of the partner. */
        String tenantId();

        /** Application (client) id of the Entra app registration. */
        String clientId();

        /** Client secret of the app registration. Never logged. */
        String clientSecret();

        /**
         * {@code app}: app-only tokens (client credentials). {@code app-user}: App+User tokens of the secure
         * application model, redeemed from {@link #refreshToken()}.
         */
        @WithDefault("app")
        Auth auth();

        /**
         * App+User only: a refresh token from a consented, MFA-signed-in user. Never logged. Entra rotates it on each
         * use; the service keeps the newest one, encrypted, in its state topic.
         */
        Optional<String> refreshToken();

        /**
         * App+User only: watch {@code GET /v1/invoices/summaries}, one summary per currency, each currency with its own
         * balance history, instead of {@code /v1/invoices/summary}.
         */
        @WithDefault("false")
        boolean multiCurrency();

        @WithDefault("global")
        Cloud cloud();

        /** Overrides the cloud's Partner Center base URL (simulator, proxies, tests). */
        Optional<URI> apiUrl();

        /** Overrides the cloud's token endpoint (v2, client credentials). */
        Optional<URI> tokenUrl();

        /** Overrides the token scope, by default the cloud's {@code {resource}/.default}. */
        Optional<String> scope();

        AccountWebhook webhook();
    }

    /** How an account gets its Partner Center token. */
    enum Auth {
        /** App-only: client credentials. */
        APP,
        /** App+User: a user's refresh token with the app's credentials (secure application model). */
        APP_USER
    }

    /** Partner Center's invoice-ready callback for one account: POST /partner-center/webhooks/{account-id}. */
    interface AccountWebhook {

        /** Accept signed callbacks for this account; a verified invoice-ready makes it poll at once. */
        @WithDefault("false")
        boolean enabled();

        /**
         * The callback URL as Partner Center reaches it (https, ending in /partner-center/webhooks/{account-id});
         * when set, the service registers it with Partner Center at startup.
         */
        Optional<URI> publicUrl();

        /** After registering, ask Partner Center for a test-created callback (at most 2 a minute are allowed). */
        @WithDefault("false")
        boolean sendValidationEvent();
    }

    interface Http {

        /** Time to open a connection to Partner Center or the token endpoint. */
        @WithDefault("10s")
        Duration connectTimeout();

        /** Time to wait for Partner Center's response once connected. */
        @WithDefault("30s")
        Duration readTimeout();

        /** Attempts per poll for timeouts, connection errors and 5xx before the poll counts as failed. */
        @WithDefault("3")
        @WithName("max-attempts")
        int maxAttempts();

        /** First retry delay; each further retry doubles it, with jitter, up to {@code max-backoff}. */
        @WithDefault("1s")
        Duration initialBackoff();

        @WithDefault("30s")
        Duration maxBackoff();

        /**
         * The most one fetch may take, token, request, body and retries included: a server that trickles its answer
         * (which no idle timeout notices) fails the poll after this, and the next poll starts on time.
         */
        @WithDefault("2m")
        Duration pollTimeout();

        /** The longest pause a 429's Retry-After can impose on an account; longer or garbage values are capped. */
        @WithDefault("1h")
        Duration maxRetryAfter();
    }
}
