package io.balancestream.poller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Changes that wait for Kafka are sent again within seconds, never more often and never later than that schedule. */
class PublishRetryDelayTest {

    private static final Duration INTERVAL = Duration.ofMinutes(5);

    @Test
    void nothingWaitingMeansThePollInterval() {
        PublishRetryDelay delay = new PublishRetryDelay();

        assertThat(delay.after(false, INTERVAL)).isEqualTo(INTERVAL);
        assertThat(delay.after(false, INTERVAL)).isEqualTo(INTERVAL);
    }

    @Test
    void waitingChangesAreTriedAgainAfterOneSecondThenTwiceAsLongUpToTheInterval() {
        PublishRetryDelay delay = new PublishRetryDelay();
        List<Long> seconds = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            seconds.add(delay.after(true, INTERVAL).toSeconds());
        }

        assertThat(seconds).containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 300L, 300L);
    }

    @Test
    void aPublishThatWentThroughStartsTheScheduleAgain() {
        PublishRetryDelay delay = new PublishRetryDelay();
        delay.after(true, INTERVAL);
        delay.after(true, INTERVAL);
        delay.after(true, INTERVAL);

        assertThat(delay.after(false, INTERVAL)).isEqualTo(INTERVAL);
        assertThat(delay.after(true, INTERVAL)).isEqualTo(PublishRetryDelay.FIRST);
    }

    @Test
    void anIntervalShorterThanTheFirstRetryIsKept() {
        PublishRetryDelay delay = new PublishRetryDelay();
        Duration interval = Duration.ofMillis(300);

        assertThat(delay.after(true, interval)).isEqualTo(interval);
        assertThat(delay.after(true, interval)).isEqualTo(interval);
    }
}
