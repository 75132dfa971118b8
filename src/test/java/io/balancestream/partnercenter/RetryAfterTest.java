package io.balancestream.partnercenter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RetryAfterTest {

    private static final Duration CAP = Duration.ofHours(1);

    @Test
    void anAbsurdHeaderIsCappedNeverOverflowsOrThrows() {
        assertThat(PartnerCenterClient.retryAfter("9999999999999999", null, CAP)).isEqualTo(CAP);
        assertThat(PartnerCenterClient.retryAfter("99999999999999999999999999", null, CAP)).isEqualTo(CAP);
        assertThat(PartnerCenterClient.retryAfter(null, "Try again in 99999999999999999999 seconds", CAP))
                .isEqualTo(CAP);
    }

    @Test
    void aPastDateOrGarbageCountsAsAbsent() {
        String anHourAgo = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).minusHours(1));
        assertThat(PartnerCenterClient.retryAfter(anHourAgo, null, CAP))
                .isEqualTo(PartnerCenterClient.DEFAULT_RETRY_AFTER);
        assertThat(PartnerCenterClient.retryAfter("-5", "Try again in 7 seconds", CAP))
                .isEqualTo(Duration.ofSeconds(7));
        assertThat(PartnerCenterClient.retryAfter("soon", null, CAP)).isEqualTo(PartnerCenterClient.DEFAULT_RETRY_AFTER);
    }

    @Test
    void headerInSecondsWins() {
        assertThat(PartnerCenterClient.retryAfter("57", "{\"message\":\"Try again in 3 seconds.\"}", CAP))
                .isEqualTo(Duration.ofSeconds(57));
    }

    @Test
    void throttlingBodyIsUsedWithoutHeader() {
        assertThat(PartnerCenterClient.retryAfter(null,
                "{\"statusCode\":429,\"message\":\"Rate limit is exceeded. Try again in 57 seconds.\"}", CAP))
                .isEqualTo(Duration.ofSeconds(57));
    }

    @Test
    void httpDateHeader() {
        String inTwoMinutes = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusMinutes(2));
        assertThat(PartnerCenterClient.retryAfter(inTwoMinutes, null, CAP))
                .isBetween(Duration.ofSeconds(100), Duration.ofSeconds(120));
    }

    @Test
    void errorBodyShapeWithoutHintFallsBackToTheDefault() {
        assertThat(PartnerCenterClient.retryAfter("", "{\"code\":\"429\",\"description\":\"Too many requests\"}", CAP))
                .isEqualTo(PartnerCenterClient.DEFAULT_RETRY_AFTER);
    }
}
