package io.balancestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.balancestream.event.BalanceEventMapper;
import io.balancestream.events.BalanceChanged;
import io.balancestream.events.ChangeKind;

/**
 * What a read_committed consumer must see of every account, whatever happened to the instances and the brokers:
 * sequence numbers from 1 without gap or repeat, each event's previous equal to the preceding event's current, each
 * eventId once, and the last state equal to what Partner Center serves now.
 */
final class EventHistory {

    private EventHistory() {
    }

    static void assertExactlyOnceAndInOrder(List<EventTopic.Event> records, Map<String, BigDecimal> lastBalances) {
        Set<String> eventIds = new HashSet<>();
        for (Map.Entry<String, BigDecimal> account : lastBalances.entrySet()) {
            List<BalanceChanged> events = records.stream().filter(r -> account.getKey().equals(r.key()))
                    .map(EventTopic.Event::value).toList();
            assertThat(events).as("events of %s", account.getKey()).isNotEmpty();
            for (int i = 0; i < events.size(); i++) {
                BalanceChanged event = events.get(i);
                assertThat(event.getSequence()).as("sequence of event %d of %s", i, account.getKey())
                        .isEqualTo(i + 1);
                assertThat(event.getEventId()).isEqualTo(BalanceEventMapper.eventId(account.getKey(), i + 1));
                assertThat(eventIds.add(event.getEventId())).as("event %s once", event.getEventId()).isTrue();
                if (i == 0) {
                    assertThat(event.getPrevious()).isNull();
                    assertThat(event.getChanges()).containsExactly(ChangeKind.FIRST_OBSERVATION);
                } else {
                    assertThat(event.getPrevious().getBalanceAmount()).as("previous of %s #%d", account.getKey(),
                            i + 1).isEqualTo(events.get(i - 1).getCurrent().getBalanceAmount());
                }
            }
            assertThat(events.get(events.size() - 1).getCurrent().getBalanceAmount())
                    .as("last state of %s", account.getKey()).isEqualByComparingTo(account.getValue());
        }
    }

    /** True once the last event of every account shows the balance Partner Center serves. */
    static boolean caughtUp(List<EventTopic.Event> records, Map<String, BigDecimal> lastBalances) {
        Map<String, BigDecimal> last = new java.util.HashMap<>();
        records.forEach(r -> last.put(r.key(), r.value().getCurrent().getBalanceAmount()));
        return lastBalances.entrySet().stream().allMatch(e -> last.get(e.getKey()) != null
                && last.get(e.getKey()).compareTo(e.getValue()) == 0);
    }
}
