package io.balancestream.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ChangeDetectorTest {

    private final ChangeDetector detector = new ChangeDetector();

    static SummaryFigures figures(String balance, String currency, String latestInvoiceDate) {
        return new SummaryFigures(new BigDecimal(balance), currency, "$", Instant.parse("2018-03-16T00:00:00Z"),
                Instant.parse("2017-01-21T00:00:00Z"), null, BigDecimal.ZERO,
                latestInvoiceDate == null ? null : Instant.parse(latestInvoiceDate));
    }

    static AccountSummary snapshot(String balance, InvoiceTypeFigures... types) {
        return new AccountSummary(figures(balance, "USD", "2018-03-16T00:00:00Z"), List.of(types));
    }

    static InvoiceTypeFigures type(String name, String balance) {
        return new InvoiceTypeFigures(name, figures(balance, "USD", null));
    }

    private static PublishedState published(AccountSummary snapshot, long sequence) {
        return new PublishedState(snapshot, sequence);
    }

    @Test
    void firstObservationIsAlwaysDue() {
        BalanceTransition transition = detector.detect(null, snapshot("10")).orElseThrow();
        assertThat(transition.changes()).containsExactly(BalanceChange.FIRST_OBSERVATION);
        assertThat(transition.previous()).isNull();
        assertThat(transition.sequence()).isEqualTo(1);
    }

    @Test
    void identicalSnapshotIsNotDue() {
        AccountSummary state = snapshot("10", type("Recurring", "4"), type("OneTime", "6"));
        assertThat(detector.detect(published(state, 3), snapshot("10", type("Recurring", "4"), type("OneTime", "6"))))
                .isEmpty();
    }

    @Test
    void sameValueWithOtherScaleIsNotDue() {
        AccountSummary before = snapshot("10.5", type("Recurring", "0"));
        assertThat(detector.detect(published(before, 1), snapshot("10.50", type("Recurring", "0.00")))).isEmpty();
    }

    @Test
    void fieldsOutsideTheContractDoNotMakeAnEventDue() {
        AccountSummary before = snapshot("10");
        SummaryFigures moved = new SummaryFigures(new BigDecimal("10"), "USD", "US$",
                Instant.parse("2019-01-01T00:00:00Z"), Instant.parse("2017-01-21T00:00:00Z"),
                Instant.parse("2019-01-01T00:00:00Z"), new BigDecimal("5"), Instant.parse("2018-03-16T00:00:00Z"));
        assertThat(detector.detect(published(before, 1), new AccountSummary(moved, List.of()))).isEmpty();
    }

    @Test
    void invoiceTypeSpellingDoesNotMakeAnEventDue() {
        AccountSummary before = snapshot("10", type("OneTime", "10"));
        assertThat(detector.detect(published(before, 1), snapshot("10", type("one_time", "10")))).isEmpty();
    }

    @Test
    void totalBalanceChange() {
        assertThat(changes(snapshot("10"), snapshot("10.01"))).containsExactly(BalanceChange.BALANCE);
        assertThat(changes(snapshot("10"), snapshot("-10"))).containsExactly(BalanceChange.BALANCE);
    }

    @Test
    void invoiceTypeBalanceChangeAlone() {
        assertThat(changes(snapshot("10", type("Recurring", "4"), type("OneTime", "6")),
                snapshot("10", type("Recurring", "5"), type("OneTime", "5"))))
                .containsExactly(BalanceChange.INVOICE_TYPE_BALANCE);
    }

    @Test
    void invoiceTypeAppearingOrDisappearing() {
        assertThat(changes(snapshot("10", type("Recurring", "10")),
                snapshot("10", type("Recurring", "10"), type("perpetual", "0"))))
                .containsExactly(BalanceChange.INVOICE_TYPE_BALANCE);
        assertThat(changes(snapshot("10", type("Recurring", "10"), type("OneTime", "0")),
                snapshot("10", type("Recurring", "10"))))
                .containsExactly(BalanceChange.INVOICE_TYPE_BALANCE);
    }

    @Test
    void latestInvoiceDateChange() {
        AccountSummary before = snapshot("10");
        AccountSummary after = new AccountSummary(figures("10", "USD", "2018-04-16T00:00:00Z"), List.of());
        AccountSummary never = new AccountSummary(figures("10", "USD", null), List.of());
        assertThat(changes(before, after)).containsExactly(BalanceChange.LATEST_INVOICE_DATE);
        assertThat(changes(never, before)).containsExactly(BalanceChange.LATEST_INVOICE_DATE);
        assertThat(changes(before, never)).containsExactly(BalanceChange.LATEST_INVOICE_DATE);
    }

    @Test
    void currencyChange() {
        AccountSummary before = snapshot("10");
        AccountSummary after = new AccountSummary(figures("10", "EUR", "2018-03-16T00:00:00Z"), List.of());
        assertThat(changes(before, after)).containsExactly(BalanceChange.CURRENCY);
    }

    @Test
    void severalKindsAtOnce() {
        AccountSummary before = snapshot("10", type("Recurring", "10"));
        AccountSummary after = new AccountSummary(figures("12", "EUR", "2019-01-01T00:00:00Z"),
                List.of(type("Recurring", "12")));
        assertThat(changes(before, after)).containsExactlyInAnyOrder(BalanceChange.BALANCE, BalanceChange.CURRENCY,
                BalanceChange.INVOICE_TYPE_BALANCE, BalanceChange.LATEST_INVOICE_DATE);
    }

    @Test
    void transitionCarriesPreviousAndNextSequence() {
        AccountSummary before = snapshot("10");
        AccountSummary after = snapshot("11");
        BalanceTransition transition = detector.detect(published(before, 41), after).orElseThrow();
        assertThat(transition.previous()).isEqualTo(before);
        assertThat(transition.current()).isEqualTo(after);
        assertThat(transition.sequence()).isEqualTo(42);
        assertThat(transition.published()).isEqualTo(new PublishedState(after, 42));
    }

    @Test
    void backAndForthIsTwoEvents() {
        AccountSummary a = snapshot("10");
        AccountSummary b = snapshot("20");
        BalanceTransition first = detector.detect(published(a, 1), b).orElseThrow();
        Optional<BalanceTransition> second = detector.detect(first.published(), a);
        assertThat(second).isPresent();
        assertThat(second.get().sequence()).isEqualTo(3);
    }

    private java.util.Set<BalanceChange> changes(AccountSummary before, AccountSummary after) {
        return detector.detect(published(before, 1), after).orElseThrow().changes();
    }
}
