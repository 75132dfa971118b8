package io.balancestream.balance;

import static io.balancestream.balance.ChangeDetectorTest.figures;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** A multi-currency account: one balance history per currency, one sequence for the account. */
class PerCurrencyChangeDetectorTest {

    private final ChangeDetector detector = new ChangeDetector();

    private static AccountSummary in(String currency, String balance) {
        return new AccountSummary(figures(balance, currency, "2024-03-01T00:00:00Z"), List.of());
    }

    private static Observation summaries(AccountSummary... summaries) {
        return Observation.perCurrency(List.of(summaries));
    }

    /** The account's state after its first poll saw these summaries. */
    private PublishedState publishedAfter(Observation first) {
        List<BalanceTransition> transitions = detector.detect(null, first);
        return transitions.get(transitions.size() - 1).published();
    }

    @Test
    void theFirstResultStartsOneHistoryPerCurrencyInCurrencyOrder() {
        List<BalanceTransition> transitions = detector.detect(null,
                summaries(in("GBP", "12904.57"), in("CHF", "3870.10"), in("EUR", "48211.93")));

        assertThat(transitions).extracting(BalanceTransition::currency).containsExactly("CHF", "EUR", "GBP");
        assertThat(transitions).extracting(BalanceTransition::sequence).containsExactly(1L, 2L, 3L);
        assertThat(transitions).allSatisfy(transition -> {
            assertThat(transition.changes()).containsExactly(BalanceChange.FIRST_OBSERVATION);
            assertThat(transition.previous()).isNull();
        });
        assertThat(transitions.get(2).published().currencies()).containsOnlyKeys("CHF", "EUR", "GBP");
        assertThat(transitions.get(0).published().currencies()).containsOnlyKeys("CHF");
        assertThat(transitions.get(2).published().snapshot()).isNull();
    }

    @Test
    void aChangeInOneCurrencyIsOneTransitionForThatCurrencyOnly() {
        PublishedState published = publishedAfter(
                summaries(in("GBP", "12904.57"), in("CHF", "3870.10"), in("EUR", "48211.93")));

        List<BalanceTransition> transitions = detector.detect(published,
                summaries(in("GBP", "12904.57"), in("CHF", "3870.1"), in("EUR", "48111.93")));

        assertThat(transitions).singleElement().satisfies(transition -> {
            assertThat(transition.currency()).isEqualTo("EUR");
            assertThat(transition.changes()).containsExactly(BalanceChange.BALANCE);
            assertThat(transition.previous().total().balanceAmount()).isEqualByComparingTo("48211.93");
            assertThat(transition.current().total().balanceAmount()).isEqualByComparingTo("48111.93");
            assertThat(transition.sequence()).isEqualTo(4);
            assertThat(transition.published().currencies().get("GBP").total().balanceAmount())
                    .isEqualByComparingTo("12904.57");
        });
    }

    @Test
    void aCurrencyThatAppearsOrDisappearsIsATransitionOfItsOwn() {
        PublishedState published = publishedAfter(summaries(in("GBP", "1"), in("CHF", "2"), in("EUR", "3")));

        List<BalanceTransition> transitions = detector.detect(published,
                summaries(in("GBP", "1"), in("EUR", "3"), in("USD", "4")));

        assertThat(transitions).hasSize(2);
        BalanceTransition removed = transitions.get(0);
        assertThat(removed.currency()).isEqualTo("CHF");
        assertThat(removed.changes()).containsExactly(BalanceChange.CURRENCY_REMOVED);
        assertThat(removed.current()).as("the last state seen, not an invented one").isEqualTo(removed.previous());
        assertThat(removed.sequence()).isEqualTo(4);
        assertThat(removed.published().currencies()).containsOnlyKeys("EUR", "GBP");
        BalanceTransition added = transitions.get(1);
        assertThat(added.currency()).isEqualTo("USD");
        assertThat(added.changes()).containsExactly(BalanceChange.CURRENCY_ADDED);
        assertThat(added.previous()).isNull();
        assertThat(added.sequence()).isEqualTo(5);
        assertThat(added.published().currencies()).containsOnlyKeys("EUR", "GBP", "USD");
        assertThat(detector.detect(added.published(), summaries(in("GBP", "1"), in("EUR", "3"), in("USD", "4"))))
                .isEmpty();
    }

    @Test
    void currencyCodesCompareWithoutCaseAndDuplicatesAreRefused() {
        PublishedState published = publishedAfter(summaries(in("eur", "3")));
        assertThat(published.currencies()).containsOnlyKeys("EUR");
        assertThat(detector.detect(published, summaries(in("EUR", "3.00")))).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> summaries(in("EUR", "1"), in("eur", "2")))
                .isInstanceOf(InvalidSummaryException.class).hasMessageContaining("EUR has two summaries");
    }

    @Test
    void anEmptyCollectionAtFirstIsNoEventAndEveryCurrencyLeavingIsOneEventEach() {
        assertThat(detector.detect(null, summaries())).isEmpty();
        PublishedState published = publishedAfter(summaries(in("GBP", "1"), in("EUR", "3")));
        List<BalanceTransition> gone = detector.detect(published, summaries());
        assertThat(gone).extracting(BalanceTransition::currency).containsExactly("EUR", "GBP");
        assertThat(gone.get(1).published().histories()).isEmpty();
        assertThat(gone.get(1).sequence()).isEqualTo(4);
    }

    @Test
    void switchingASingleSummaryAccountToMultiCurrencyContinuesItsSequence() {
        PublishedState single = new PublishedState(in("USD", "10"), 7);
        List<BalanceTransition> transitions = detector.detect(single, summaries(in("USD", "10"), in("EUR", "5")));
        assertThat(transitions).extracting(BalanceTransition::currency).containsExactly("EUR", "USD");
        assertThat(transitions).allSatisfy(t -> assertThat(t.changes()).containsExactly(BalanceChange.CURRENCY_ADDED));
        assertThat(transitions.get(1).sequence()).isEqualTo(9);
        assertThat(transitions.get(1).published().snapshot()).as("the single history ended").isNull();

        BalanceTransition back = detector.detect(transitions.get(1).published(), in("USD", "10")).orElseThrow();
        assertThat(back.currency()).isNull();
        assertThat(back.changes()).containsExactly(BalanceChange.CURRENCY_ADDED);
        assertThat(back.published().histories()).containsOnlyKeys(PublishedState.WHOLE_ACCOUNT);
    }
}
