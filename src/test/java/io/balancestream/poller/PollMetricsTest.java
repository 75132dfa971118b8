package io.balancestream.poller;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.balancestream.balance.AccountSummary;
import io.balancestream.balance.BalanceTransition;
import io.balancestream.balance.BalanceChange;
import io.balancestream.balance.PublishedState;
import io.balancestream.balance.SummaryFigures;
import io.balancestream.config.Cloud;
import io.balancestream.config.PartnerAccount;
import io.balancestream.event.BalanceEventMapper;
import io.balancestream.events.BalanceChanged;
import io.balancestream.events.PollTrigger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class PollMetricsTest {

    private static final PartnerAccount ACCOUNT = new PartnerAccount("eu", "tenant", "client", "secret", Cloud.GLOBAL,
            Cloud.GLOBAL.apiUrl(), Cloud.GLOBAL.tokenUrl("tenant"), Cloud.GLOBAL.scope());

    private static BalanceChanged eurEvent(BalanceChange kind, long sequence) {
        AccountSummary eur = new AccountSummary(new SummaryFigures(new BigDecimal("48211.93"), "EUR", "€", null, null,
                null, null, null), List.of());
        TreeMap<String, AccountSummary> after = new TreeMap<>();
        if (kind != BalanceChange.CURRENCY_REMOVED) {
            after.put("EUR", eur);
        }
        return BalanceEventMapper.toEvent(ACCOUNT, new BalanceTransition("EUR", kind == BalanceChange.CURRENCY_REMOVED
                ? eur : null, eur, EnumSet.of(kind), new PublishedState(after, sequence)), "req", "corr",
                Instant.now(), PollTrigger.SCHEDULE);
    }

    @Test
    void theBalanceGaugeOfACurrencyThatDisappearedShowsNoBalance() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PollMetrics metrics = new PollMetrics(registry, null);

        metrics.recordPublished(eurEvent(BalanceChange.FIRST_OBSERVATION, 1), Duration.ofMillis(5));
        assertThat(registry.get("balance_stream_balance").tags("account", "eu", "currency", "EUR").gauge().value())
                .isEqualTo(48211.93);

        metrics.recordPublished(eurEvent(BalanceChange.CURRENCY_REMOVED, 2), Duration.ofMillis(5));
        assertThat(registry.get("balance_stream_balance").tags("account", "eu", "currency", "EUR").gauge().value())
                .isNaN();
    }
}
