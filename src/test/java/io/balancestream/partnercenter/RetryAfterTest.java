package io.balancestream.partnercenter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RetryAfterTest {

    @Test
    void headerInSecondsWins() {
        assertThat(PartnerCenterClient.retryAfter("57", "{\"message\":\"Try again in 3 seconds.\"}"))
                .isEqualTo(Duration.ofSeconds(57));
    }

    @Test
    void throttlingBodyIsUsedWithoutHeader() {
        assertThat(PartnerCenterClient.retryAfter(null,
                "{\"statusCode\":429,\"message\":\"Rate limit is exceeded. Try again in 57 seconds.\"}"))
                .isEqualTo(Duration.ofSeconds(57));
    }

    @Test
    void httpDateHeader() {
        String inTwoMinutes = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusMinutes(2));
        assertThat(PartnerCenterClient.retryAfter(inTwoMinutes, null))
                .isBetween(Duration.ofSeconds(100), Duration.ofSeconds(120));
    }

    @Test
    void errorBodyShapeWithoutHintFallsBackToTheDefault() {
        assertThat(PartnerCenterClient.retryAfter("", "{\"code\":\"429\",\"description\":\"Too many requests\"}"))
                .isEqualTo(PartnerCenterClient.DEFAULT_RETRY_AFTER);
    }
}
