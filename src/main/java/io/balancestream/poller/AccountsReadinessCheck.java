package io.balancestream.poller;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.balancestream.config.BalanceStreamConfig;
import io.balancestream.ownership.GroupMembership;

/**
 * Ready when this instance is a member of the group (it has heard from Kafka within the session timeout) and no
 * account it owns has been failing, or has gone without a completed poll, for longer than
 * {@code balance-stream.health.failure-grace-period} (past the time its next poll was due). The
 * response names the member, the partitions and accounts it owns, and each account's last result; never a secret.
 */
@Readiness
@ApplicationScoped
public class AccountsReadinessCheck implements HealthCheck {

    private final PollingScheduler scheduler;
    private final GroupMembership membership;
    private final Duration gracePeriod;
    private final Duration sessionTimeout;
    private final boolean pollingEnabled;
    private final Clock clock = Clock.systemUTC();

    AccountsReadinessCheck(PollingScheduler scheduler, GroupMembership membership, BalanceStreamConfig config) {
        this.scheduler = scheduler;
        this.membership = membership;
        this.gracePeriod = config.health().failureGracePeriod();
        this.sessionTimeout = config.kafka().sessionTimeout();
        this.pollingEnabled = config.pollingEnabled();
    }

    @Override
    public HealthCheckResponse call() {
        Instant now = clock.instant();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("partner-center-accounts").up();
        if (!pollingEnabled) {
            return response.withData("polling", "disabled").build();
        }
        Instant contact = membership.lastContact();
        Map<String, AccountStatus> statuses = scheduler.statuses(); // one snapshot: the list and the details agree
        response.withData("member", membership.memberName())
                .withData("owned-partitions", membership.ownedPartitions().toString())
                .withData("owned-accounts", statuses.keySet().toString());
        if (contact == null) {
            response.down().withData("kafka", "not a member of the consumer group yet");
        } else if (Duration.between(contact, now).compareTo(sessionTimeout) > 0) {
            response.down().withData("kafka", "no contact with the group coordinator since " + contact);
        }
        for (AccountStatus status : statuses.values()) {
            String trouble = trouble(status, now, gracePeriod);
            String problem = status.problem() == null ? "" : "; " + status.problem();
            if (trouble != null) {
                response.down().withData(status.accountId(), trouble + problem);
            } else {
                String result = status.lastResult() == null ? "not polled yet" : status.lastResult();
                response.withData(status.accountId(), (status.lastSuccess() == null ? result
                        : result + ", last success " + status.lastSuccess()) + problem);
            }
        }
        return response.build();
    }

    private static final String CONSENT_REQUIRED = "consent_required";

    /**
     * Why an account makes the instance not ready, or null: it has been failing, or has gone without a completed
     * poll (a loop that died or hangs records nothing), for longer than the grace period.
     */
    static String trouble(AccountStatus status, Instant now, Duration gracePeriod) {
        if (status.lastResult() != null && status.lastResult().startsWith(CONSENT_REQUIRED)) {
            // No grace: nothing gets better until a person acts.
            return "needs a person: " + status.lastResult();
        }
        Instant due = status.nextPollDue() != null ? status.nextPollDue() : status.ownedSince();
        if (Duration.between(due, now).compareTo(gracePeriod) > 0) {
            return "no poll completed since " + (status.nextPollDue() == null
                    ? "it was assigned at " + status.ownedSince() : "the one due at " + due);
        }
        Instant troubleSince = status.failingSince() != null ? status.failingSince()
                : status.lastSuccess() == null ? status.ownedSince() : null;
        if (troubleSince != null && Duration.between(troubleSince, now).compareTo(gracePeriod) > 0) {
            return "failing since " + troubleSince + ": "
                    + (status.lastResult() == null ? "not polled yet" : status.lastResult());
        }
        return null;
    }
}
