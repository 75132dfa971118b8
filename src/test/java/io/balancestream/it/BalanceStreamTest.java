package io.balancestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.balancestream.event.BalanceEventMapper;
import io.balancestream.event.EventHeaders;
import io.balancestream.state.AccountStateCodec.StoredState;
import io.balancestream.ownership.GroupMembership;
import io.balancestream.state.RecoveredStates;
import io.balancestream.state.StateRecovery;
import io.balancestream.events.BalanceChanged;
import io.balancestream.events.BalanceSnapshot;
import io.balancestream.events.ChangeKind;
import io.balancestream.events.InvoiceTypeBalance;
import io.balancestream.events.PartnerCloud;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The packaged behaviour end to end: the service polls the simulator over HTTP with an OIDC token, and its events
 * are read back from a real Kafka broker and decoded as a consumer would.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class BalanceStreamTest {

    @Inject
    StateRecovery recovery;

    @Inject
    GroupMembership membership;

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void firstObservationPublishesTheSeedSampleExactly() {
        // contoso is served the documented sample from startup on and nothing in this class changes it before
        // its first event exists.
        List<EventTopic.Event> records = await().atMost(TIMEOUT).until(
                () -> EventTopic.readAll().stream().filter(e -> "contoso".equals(e.key())).toList(),
                list -> !list.isEmpty());
        EventTopic.Event record = records.get(0);
        BalanceChanged event = record.value();

        assertThat(event.getSequence()).isEqualTo(1);
        assertThat(event.getChanges()).containsExactly(ChangeKind.FIRST_OBSERVATION);
        assertThat(event.getPrevious()).isNull();
        assertThat(event.getAccountId()).isEqualTo("contoso");
        assertThat(event.getTenantId()).isEqualTo("contoso");
        assertThat(event.getCloud()).isEqualTo(PartnerCloud.GLOBAL);
        assertThat(event.getEventId()).isEqualTo(UUID.nameUUIDFromBytes("contoso/1".getBytes()).toString());

        BalanceSnapshot current = event.getCurrent();
        assertThat(current.getBalanceAmount()).isEqualByComparingTo("751094.39");
        assertThat(current.getBalanceAmount().scale()).isEqualTo(9);
        assertThat(current.getCurrencyCode()).isEqualTo("USD");
        assertThat(current.getCurrencySymbol()).isEqualTo("$");
        assertThat(current.getAccountingDate()).isEqualTo(Instant.parse("2018-03-16T00:00:00Z"));
        assertThat(current.getFirstInvoiceCreationDate()).isEqualTo(Instant.parse("2017-01-21T00:00:00Z"));
        assertThat(current.getLastPaymentDate()).isEqualTo(Instant.parse("2017-01-01T12:00:00Z"));
        assertThat(current.getLastPaymentAmount()).isEqualByComparingTo("1000");
        assertThat(current.getLatestInvoiceDate()).isEqualTo(Instant.parse("2018-03-16T00:00:00Z"));

        Map<String, InvoiceTypeBalance> types = current.getInvoiceTypes().stream()
                .collect(Collectors.toMap(InvoiceTypeBalance::getInvoiceType, t -> t));
        assertThat(types.keySet()).containsExactlyInAnyOrder("Recurring", "OneTime");
        assertThat(types.get("Recurring").getBalanceAmount()).isEqualByComparingTo("202955.87");
        assertThat(types.get("Recurring").getLatestInvoiceDate()).as("0001-01-01T00:00:00 means never").isNull();
        assertThat(types.get("Recurring").getAccountingDate()).isEqualTo(Instant.parse("2017-02-27T00:00:00Z"));
        assertThat(types.get("OneTime").getBalanceAmount()).isEqualByComparingTo("548138.52");
        assertThat(types.get("OneTime").getLastPaymentDate()).isNull();
        assertThat(types.get("OneTime").getLastPaymentAmount()).isEqualByComparingTo("0");

        assertThat(record.headers())
                .containsEntry(EventHeaders.CONTENT_TYPE, EventHeaders.SINGLE_OBJECT_CONTENT_TYPE)
                .containsEntry(EventHeaders.SCHEMA_FINGERPRINT, EventHeaders.schemaFingerprint())
                .containsEntry(EventHeaders.EVENT_ID, event.getEventId());
        // The ids in the event are those of a request the simulator really received.
        assertThat(Simulator.requests("contoso")).anySatisfy(request -> {
            assertThat(request.get("MS-RequestId")).isEqualTo(event.getRequestId());
            assertThat(request.get("MS-CorrelationId")).isEqualTo(event.getCorrelationId());
        });
    }

    @Test
    void everyRequestCarriesPartnerCenterHeaders() {
        await().atMost(TIMEOUT).until(() -> Simulator.requests("contoso").size() >= 3);
        List<Map<String, String>> requests = Simulator.requests("contoso");
        for (Map<String, String> request : requests) {
            assertThat(request).containsEntry("Accept", "application/json")
                    .containsEntry("MS-Contract-Version", "v1")
                    .containsEntry("MS-PartnerCenter-Application", "balance-stream")
                    .containsEntry("Authorization", "Bearer (token)");
            assertThat(UUID.fromString(request.get("MS-RequestId"))).isNotNull();
            assertThat(UUID.fromString(request.get("MS-CorrelationId"))).isNotNull();
        }
        Set<String> requestIds = requests.stream().map(r -> r.get("MS-RequestId")).collect(Collectors.toSet());
        assertThat(requestIds).as("a new MS-RequestId per successful request").hasSize(requests.size());
    }

    @Test
    void unchangedBalanceOverSeveralPollsPublishesNothing() {
        String account = "contoso";
        await().atMost(TIMEOUT).until(() -> !EventTopic.eventsOf(account).isEmpty());
        int before = EventTopic.eventsOf(account).size();
        long polls = Simulator.summaryRequests(account);

        await().atMost(TIMEOUT).until(() -> Simulator.summaryRequests(account) >= polls + 4);

        assertThat(EventTopic.eventsOf(account)).hasSize(before);
    }

    @Test
    void oneEventPerBalanceChangeWithExactPreviousAndCurrent() {
        String account = "contoso";
        await().atMost(TIMEOUT).until(() -> !EventTopic.eventsOf(account).isEmpty());
        BalanceChanged last = lastEvent(account);

        String newBalance = "12345678901234567.89";
        Simulator.setBalance(account, newBalance);
        BalanceChanged changed = await().atMost(TIMEOUT)
                .until(() -> lastEvent(account), event -> event.getSequence() == last.getSequence() + 1);

        assertThat(changed.getChanges()).containsExactly(ChangeKind.BALANCE);
        assertThat(changed.getCurrent().getBalanceAmount()).isEqualTo(new BigDecimal("12345678901234567.890000000"));
        assertSameSnapshot(changed.getPrevious(), last.getCurrent());

        long polls = Simulator.summaryRequests(account);
        await().atMost(TIMEOUT).until(() -> Simulator.summaryRequests(account) >= polls + 3);
        assertThat(EventTopic.eventsOf(account)).filteredOn(e -> e.getSequence() > last.getSequence()).hasSize(1);
    }

    @Test
    void tokenIsReusedAcrossPolls() {
        String account = "contoso";
        await().atMost(TIMEOUT).until(() -> Simulator.summaryRequests(account) >= 2);
        long tokens = Simulator.tokenRequests(account);
        long polls = Simulator.summaryRequests(account);

        await().atMost(TIMEOUT).until(() -> Simulator.summaryRequests(account) >= polls + 4);

        assertThat(Simulator.tokenRequests(account)).isEqualTo(tokens);
    }

    @Test
    void invalidResponsesProduceNoEventAndLoseNoChange() {
        String account = "contoso";
        await().atMost(TIMEOUT).until(() -> !EventTopic.eventsOf(account).isEmpty());
        BalanceChanged last = lastEvent(account);
        String served = Simulator.summary(account);

        Simulator.setSummary(account, "{}");
        long polls = Simulator.summaryRequests(account);
        await().atMost(TIMEOUT).until(() -> Simulator.summaryRequests(account) >= polls + 2);
        Simulator.setSummary(account, "<html><body>Service Unavailable</body></html>");
        long morePolls = Simulator.summaryRequests(account);
        await().atMost(TIMEOUT).until(() -> Simulator.summaryRequests(account) >= morePolls + 2);
        assertThat(lastEvent(account).getSequence()).as("no event from an invalid body").isEqualTo(last.getSequence());

        Simulator.setSummary(account, served);
        Simulator.fault(account, "malformed", 2);
        Simulator.setBalance(account, "42.42");
        BalanceChanged changed = await().atMost(TIMEOUT)
                .until(() -> lastEvent(account), event -> event.getSequence() > last.getSequence());
        assertThat(changed.getSequence()).isEqualTo(last.getSequence() + 1);
        assertSameSnapshot(changed.getPrevious(), last.getCurrent());
        assertThat(changed.getCurrent().getBalanceAmount()).isEqualByComparingTo("42.42");
    }

    @Test
    void aFailingAccountDoesNotHoldBackAnother() {
        await().atMost(TIMEOUT).until(() -> !EventTopic.eventsOf("fabrikam").isEmpty()
                && !EventTopic.eventsOf("contoso").isEmpty());
        Simulator.fault("fabrikam", "server-error", 1000);
        long fabrikamEvents = EventTopic.eventsOf("fabrikam").size();
        BalanceChanged contosoLast = lastEvent("contoso");

        Simulator.setBalance("contoso", "777.01");
        BalanceChanged changed = await().atMost(TIMEOUT)
                .until(() -> lastEvent("contoso"), event -> event.getSequence() > contosoLast.getSequence());

        assertThat(changed.getCurrent().getBalanceAmount()).isEqualByComparingTo("777.01");
        assertThat(EventTopic.eventsOf("fabrikam")).hasSize((int) fabrikamEvents);
        assertThat(Simulator.pendingFaults("fabrikam")).as("fabrikam kept failing meanwhile").isLessThan(1000);

        resetSimulatedTenant();
    }

    private static void resetSimulatedTenant() {
        io.restassured.RestAssured.given().delete("/simulator/{tenant}/control", "fabrikam").then().statusCode(204);
    }

    @Test
    void lastPublishedStatesAreRecoveredFromTheStateTopic() {
        await().atMost(TIMEOUT).until(() -> !EventTopic.eventsOf("contoso").isEmpty()
                && !EventTopic.eventsOf("fabrikam").isEmpty());
        BalanceChanged contoso = lastEvent("contoso");
        BalanceChanged fabrikam = lastEvent("fabrikam");

        int partitions = membership.snapshot().spread().statePartitions();
        Set<Integer> all = IntStream.range(0, partitions).boxed().collect(Collectors.toSet());
        RecoveredStates recovered = recovery.recover(all, Set.of("contoso", "fabrikam", "unknown"),
                Duration.ofSeconds(10), () -> true);

        assertThat(recovered.states()).containsOnlyKeys("contoso", "fabrikam");
        assertThat(recovered.problems()).isEmpty();
        assertThat(recovered.states().get("contoso").published().sequence())
                .isGreaterThanOrEqualTo(contoso.getSequence());
        StoredState stored = recovered.states().get("fabrikam");
        assertThat(stored.published()).isEqualTo(BalanceEventMapper.toPublishedState(fabrikam));
        EventTopic.Event fabrikamRecord = EventTopic.readAll().stream().filter(e -> "fabrikam".equals(e.key()))
                .reduce((first, second) -> second).orElseThrow();
        assertThat(stored.eventOffset()).as("the state points at the event that carried it")
                .isEqualTo(fabrikamRecord.offset());
        assertThat(stored.eventPartition()).isEqualTo(fabrikamRecord.partition());
    }

    /** Avro's generated equals() cannot compare timestamp fields (AVRO Instant conversion), their encodings can. */
    static void assertSameSnapshot(BalanceSnapshot actual, BalanceSnapshot expected) {
        try {
            assertThat(actual.toByteBuffer()).as("%s", actual).isEqualTo(expected.toByteBuffer());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static BalanceChanged lastEvent(String account) {
        List<BalanceChanged> events = EventTopic.eventsOf(account);
        return events.get(events.size() - 1);
    }
}
