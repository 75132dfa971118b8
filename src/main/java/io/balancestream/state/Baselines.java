package io.balancestream.state;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.balancestream.balance.PublishedState;

/**
 * The last published state per account: what each poll is compared with. It is loaded from the event topic at
 * startup and advanced only after Kafka acknowledged the event that carries the new state.
 */
@ApplicationScoped
public class Baselines {

    private final Map<String, PublishedState> states = new ConcurrentHashMap<>();
    private volatile boolean recovered;

    public void recovered(Map<String, PublishedState> fromEventLog) {
        states.putAll(fromEventLog);
        recovered = true;
    }

    public boolean isRecovered() {
        return recovered;
    }

    public Optional<PublishedState> lastPublished(String accountId) {
        return Optional.ofNullable(states.get(accountId));
    }

    /** Only moves forward: a late acknowledgement of an older event cannot roll the baseline back. */
    public void advance(String accountId, PublishedState published) {
        states.merge(accountId, published, (known, newer) -> newer.sequence() > known.sequence() ? newer : known);
    }
}
