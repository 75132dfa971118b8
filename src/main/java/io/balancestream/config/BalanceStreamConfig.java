package io.balancestream.config;

import java.net.URI;
import java.time.Duration;
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

    /** Time between the end of one poll of an account and the start of the next. */
    @WithDefault("5m")
    Duration pollInterval();

    /** Sent as MS-PartnerCenter-Application so Microsoft can tell which application calls. */
    @WithDefault("balance-stream")
    String applicationName();

    Http http();

    Health health();

    Dev dev();

    interface Dev {

        /** Dev mode only: the port of the local Kafka broker that dev mode starts (or finds already running). */
        @WithDefault("9092")
        int kafkaPort();
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

        @WithDefault("global")
        Cloud cloud();

        /** Overrides the cloud's Partner Center base URL (simulator, proxies, tests). */
        Optional<URI> apiUrl();

        /** Overrides the cloud's token endpoint (v2, client credentials). */
        Optional<URI> tokenUrl();

        /** Overrides the token scope, by default the cloud's {@code {resource}/.default}. */
        Optional<String> scope();
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
    }
}
