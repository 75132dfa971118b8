package io.balancestream.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.balancestream.kafka.KafkaClients;
import io.balancestream.kafka.TestKafka;
import io.balancestream.poller.PushedPoll;

/**
 * A callback that reached the wrong instance reaches the right one through Kafka, against a real broker: the
 * instance that polls the account is woken, and Partner Center gets its answer only once Kafka has the callback.
 */
class ForwardedCallbacksTest {

    @RegisterExtension
    static final TestKafka kafka = new TestKafka();

    /** An instance that polls {@code owned}: the pushes it was given, in order. */
    private record Instance(ForwardedCallbacks callbacks, List<String> pushes) {
    }

    private Instance start(KafkaClients clients, Set<String> owned) {
        List<String> pushes = new CopyOnWriteArrayList<>();
        ForwardedCallbacks callbacks = new ForwardedCallbacks(clients, accountId -> {
            pushes.add(accountId);
            return owned.contains(accountId) ? PushedPoll.WOKE : PushedPoll.NOT_OWNED;
        }, true);
        kafka.stopAfterTest(callbacks, callbacks::close);
        callbacks.start();
        await("reading the webhook topic").atMost(Duration.ofSeconds(30)).until(callbacks::reading);
        return new Instance(callbacks, pushes);
    }

    @Test
    void aCallbackForwardedByAnInstanceThatDoesNotPollTheAccountWakesTheOneThatDoes() {
        KafkaClients clients = kafka.clients(TestKafka.Settings.unique(6));
        Instance owner = start(clients, Set.of("acme"));
        Instance receiver = start(clients, Set.of("globex"));

        receiver.callbacks().forward("acme", "https://api.partnercenter.microsoft.com/v1/invoices/G000000001")
                .await().atMost(Duration.ofSeconds(15));

        await("the owner is woken").atMost(Duration.ofSeconds(10)).until(() -> owner.pushes().contains("acme"));
        assertThat(owner.pushes()).containsExactly("acme");
        // Every instance reads the topic; only the owner's poller acts on it (the others answer NOT_OWNED).
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.pushes().contains("acme"));
    }

    @Test
    void anInstanceThatStartsLaterDoesNotReplayOlderCallbacks() {
        KafkaClients clients = kafka.clients(TestKafka.Settings.unique(6));
        Instance receiver = start(clients, Set.of());
        receiver.callbacks().forward("acme", null).await().atMost(Duration.ofSeconds(15));

        // Restarted after that callback: its first poll covers it, a replay would only poll again.
        Instance owner = start(clients, Set.of("acme", "globex"));
        receiver.callbacks().forward("globex", null).await().atMost(Duration.ofSeconds(15));

        await("the newer callback arrives").atMost(Duration.ofSeconds(10))
                .until(() -> owner.pushes().contains("globex"));
        assertThat(owner.pushes()).containsExactly("globex");
    }

    @Test
    void aForwardFailsInTimeWhenKafkaIsAway() {
        TestKafka.Settings settings = TestKafka.Settings.unique(6);
        KafkaClients unreachable = new KafkaClients(Map.of("bootstrap.servers", "localhost:1", "max.block.ms", 1000,
                "request.timeout.ms", 1000, "delivery.timeout.ms", 2000), settings);
        ForwardedCallbacks callbacks = new ForwardedCallbacks(unreachable, accountId -> PushedPoll.NOT_OWNED, true);
        kafka.stopAfterTest(callbacks, callbacks::close);

        // The webhook answers 503 on this failure, so Partner Center delivers the callback again.
        assertThatThrownBy(() -> callbacks.forward("acme", null).await().atMost(
                ForwardedCallbacks.FORWARD_TIMEOUT.plusSeconds(5)))
                .isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    }
}
