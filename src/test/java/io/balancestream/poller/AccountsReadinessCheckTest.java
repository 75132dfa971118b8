package io.balancestream.poller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class AccountsReadinessCheckTest {

    private static final Instant START = Instant.parse("2026-11-29T10:00:00Z");
    private static final Duration GRACE = Duration.ofMinutes(15);

    private static AccountStatus status() {
        return new AccountStatus("acme", 3, Clock.fixed(START, ZoneOffset.UTC));
    }

    @Test
    void aFreshAccountIsGivenTheGracePeriod() {
        AccountStatus status = status();
        assertThat(AccountsReadinessCheck.trouble(status, START.plus(GRACE), GRACE)).isNull();
        assertThat(AccountsReadinessCheck.trouble(status, START.plus(GRACE).plusSeconds(1), GRACE))
                .contains("no poll completed since it was assigned");
    }

    @Test
    void aLoopThatStoppedOrHangsAfterASuccessIsNoticed() {
        AccountStatus status = status();
        status.record(PollOutcome.of(PollOutcome.UNCHANGED));
        status.nextPollDue(START.plusSeconds(300));

        assertThat(AccountsReadinessCheck.trouble(status, START.plusSeconds(300).plus(GRACE), GRACE)).isNull();
        assertThat(AccountsReadinessCheck.trouble(status, START.plusSeconds(301).plus(GRACE), GRACE))
                .isEqualTo("no poll completed since the one due at " + START.plusSeconds(300));
    }

    @Test
    void aLongPauseAskedForByPartnerCenterIsAFailureNotAStuckLoop() {
        AccountStatus status = status();
        status.record(new PollOutcome("throttled", Optional.of(Duration.ofHours(1)), "429"));
        status.nextPollDue(START.plus(Duration.ofHours(1)));

        assertThat(AccountsReadinessCheck.trouble(status, START.plus(Duration.ofMinutes(10)), GRACE)).isNull();
        assertThat(AccountsReadinessCheck.trouble(status, START.plus(Duration.ofMinutes(50)), GRACE))
                .isEqualTo("failing since " + START + ": throttled (429)");
    }

    @Test
    void failingLongerThanTheGracePeriodNamesTheCause() {
        AccountStatus status = status();
        status.record(new PollOutcome("server_error", Optional.empty(), "Partner Center answered HTTP 503"));
        status.nextPollDue(START.plus(GRACE).plusSeconds(30));

        assertThat(AccountsReadinessCheck.trouble(status, START.plus(GRACE).plusSeconds(1), GRACE))
                .isEqualTo("failing since " + START + ": server_error (Partner Center answered HTTP 503)");
    }
}
