package io.balancestream.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.balancestream.events.BalanceChanged;
import io.balancestream.events.ChangeKind;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * A partner billed in three currencies, watched through {@code /v1/invoices/summaries} with App+User credentials by
 * the packaged service: each currency has its own history (a change in EUR is one EUR event), a currency that
 * appears or disappears is an event, the account's sequence stays gap-free, and a restart continues every
 * currency's history from the state topic.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class MultiCurrencyIT {

    private static final Duration EVENT_WAIT = Duration.ofSeconds(60);

    @Test
    void eachCurrencyHasItsOwnHistoryInOneGapFreeSequence() {
        String run = "multi-" + UUID.randomUUID().toString().substring(0, 6);
        String topic = run + ".balance-changed";
        String kafka = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        String tenant = "mc-" + run;
        String seed = "seed-refresh-token-" + run;
        Simulator.acceptRefreshToken(tenant, seed, false);
        Map<String, String> settings = ServiceSettings.of(kafka, topic, run, List.of("eu"), account -> tenant);
        settings.put("balance-stream.poll-interval", "500ms");
        settings.put("balance-stream.accounts.eu.auth", "app-user");
        settings.put("balance-stream.accounts.eu.refresh-token", seed);
        settings.put("balance-stream.accounts.eu.multi-currency", "true");
        Path log = Path.of("target", "multi-currency-it", run + ".log");
        try (ServiceProcess service = new ServiceProcess(settings, log).start()) {
            // The first result: one FIRST_OBSERVATION per currency, in currency order, exact amounts.
            List<BalanceChanged> first = awaitEvents(kafka, topic, 3);
            assertThat(first).extracting(BalanceChanged::getCurrency).containsExactly("CHF", "EUR", "GBP");
            assertThat(first).allSatisfy(event -> {
                assertThat(event.getChanges()).containsExactly(ChangeKind.FIRST_OBSERVATION);
                assertThat(event.getPrevious()).isNull();
                assertThat(event.getCurrent().getCurrencyCode()).isEqualTo(event.getCurrency());
            });
            assertThat(first.get(0).getCurrent().getBalanceAmount()).isEqualByComparingTo("3870.10");
            assertThat(first.get(1).getCurrent().getBalanceAmount()).isEqualByComparingTo("48211.93");
            assertThat(first.get(2).getCurrent().getBalanceAmount()).isEqualByComparingTo("12904.57");
            assertThat(Simulator.requests(tenant)).extracting(request -> request.get("answer"))
                    .contains("summaries").doesNotContain("summary");

            // EUR changes: one event, for EUR only.
            setCurrencyBalance(tenant, "EUR", "48111.93");
            BalanceChanged eur = awaitEvents(kafka, topic, 4).get(3);
            assertThat(eur.getCurrency()).isEqualTo("EUR");
            assertThat(eur.getChanges()).containsExactly(ChangeKind.BALANCE);
            assertThat(eur.getPrevious().getBalanceAmount()).isEqualByComparingTo("48211.93");
            assertThat(eur.getCurrent().getBalanceAmount()).isEqualByComparingTo("48111.93");
            awaitFourMorePolls(tenant);
            assertThat(events(kafka, topic)).as("no event for the currencies that did not change").hasSize(4);

            // A currency appears, another disappears.
            setCurrencyBalance(tenant, "USD", "250.00");
            BalanceChanged usd = awaitEvents(kafka, topic, 5).get(4);
            assertThat(usd.getCurrency()).isEqualTo("USD");
            assertThat(usd.getChanges()).containsExactly(ChangeKind.CURRENCY_ADDED);
            assertThat(usd.getPrevious()).isNull();
            assertThat(usd.getCurrent().getBalanceAmount()).isEqualByComparingTo("250.00");
            given().delete("/simulator/{tenant}/control/currencies/CHF", tenant).then().statusCode(204);
            BalanceChanged chf = awaitEvents(kafka, topic, 6).get(5);
            assertThat(chf.getCurrency()).isEqualTo("CHF");
            assertThat(chf.getChanges()).containsExactly(ChangeKind.CURRENCY_REMOVED);
            // (Avro's generated equals cannot compare timestamps inside arrays: compare the text.)
            assertThat(chf.getCurrent().toString()).as("the last state seen, not an invented one")
                    .isEqualTo(chf.getPrevious().toString());
            assertThat(chf.getCurrent().getBalanceAmount()).isEqualByComparingTo("3870.10");

            // A restart continues each currency's history: nothing again, and GBP's next event knows its last state.
            service.stop();
            setCurrencyBalance(tenant, "GBP", "13000.01");
            service.start();
            BalanceChanged gbp = awaitEvents(kafka, topic, 7).get(6);
            assertThat(gbp.getCurrency()).isEqualTo("GBP");
            assertThat(gbp.getChanges()).containsExactly(ChangeKind.BALANCE);
            assertThat(gbp.getPrevious().getBalanceAmount()).isEqualByComparingTo("12904.57");
            assertThat(gbp.getCurrent().getBalanceAmount()).isEqualByComparingTo("13000.01");
            awaitFourMorePolls(tenant);

            List<BalanceChanged> all = events(kafka, topic);
            assertThat(all).extracting(BalanceChanged::getSequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
            assertThat(all).extracting(BalanceChanged::getEventId).doesNotHaveDuplicates();
            assertThat(service.log()).contains("Published event 4 of account eu in EUR: [BALANCE]");
        }
    }

    private static void setCurrencyBalance(String tenant, String currency, String amount) {
        given().contentType(ContentType.TEXT).body(amount)
                .put("/simulator/{tenant}/control/currencies/{currency}/balance", tenant, currency)
                .then().statusCode(200);
    }

    /** Time for events that must not come: four more polls of the unchanged summaries. */
    private static void awaitFourMorePolls(String tenant) {
        long polls = Simulator.summaryRequests(tenant);
        await().atMost(EVENT_WAIT).until(() -> Simulator.summaryRequests(tenant) >= polls + 4);
    }

    private static List<BalanceChanged> awaitEvents(String kafka, String topic, int count) {
        await().atMost(EVENT_WAIT).until(() -> events(kafka, topic).size() >= count);
        List<BalanceChanged> events = events(kafka, topic);
        assertThat(events).as("exactly the events expected so far").hasSize(count);
        return events;
    }

    private static List<BalanceChanged> events(String kafka, String topic) {
        return EventTopic.readAll(kafka, topic).stream().filter(event -> "eu".equals(event.key()))
                .map(EventTopic.Event::value).toList();
    }
}
