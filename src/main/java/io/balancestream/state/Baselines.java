package io.balancestream.state;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.balancestream.balance.PublishedState;

/**
 * The last published state per owned account: what each poll is compared with. It is loaded from the state topic
 * when the instance gains an account, advanced only after Kafka committed the transaction that carries the new
 * state, and dropped when the account moves to another instance.
 */
@ApplicationScoped
public class Baselines {

    private final Map<String, PublishedState> states = new ConcurrentHashMap<>();

    public Optional<PublishedState> lastPublished(String accountId) {
        return Optional.ofNullable(states.get(accountId));
    }

    /** Only moves forward: a late acknowledgement of an older event cannot roll the baseline back. */
    public void advance(String accountId, PublishedState published) {
        states.merge(accountId, published, (known, newer) -> newer.sequence() > known.sequence() ? newer : known);
    }

    public void forget(Collection<String> accountIds) {
        accountIds.forEach(states::remove);
    }
}
