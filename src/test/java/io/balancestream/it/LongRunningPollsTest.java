package io.balancestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;
import jakarta.ws.rs.ext.Provider;

import org.jboss.resteasy.reactive.client.spi.ResteasyReactiveClientRequestContext;
import org.jboss.resteasy.reactive.client.spi.ResteasyReactiveClientRequestFilter;
import org.junit.jupiter.api.Test;

import io.balancestream.config.BalanceStreamConfig;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.impl.ContextInternal;

/**
 * A loop polls for as long as the service runs, so nothing of one poll may outlive it. The REST client nests each
 * call's Vert.x context in the caller's and keeps a reference to it: a poll that started from the previous call's
 * context would keep every earlier poll's context (its locals, its spans) reachable, a leak of about 1.4 KB per poll.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class LongRunningPollsTest {

    private static final AtomicInteger LONGEST_CHAIN = new AtomicInteger();

    /** Sees every Partner Center call and measures how many contexts its own context keeps reachable. */
    @Provider
    public static class ContextChainProbe implements ResteasyReactiveClientRequestFilter {

        @Override
        public void filter(ResteasyReactiveClientRequestContext request) {
            int length = 0;
            Context context = request.getContext();
            while (context != null && VertxContext.isDuplicatedContext(context)) {
                length++;
                context = ((ContextInternal) context).getLocal(VertxContext.PARENT_CONTEXT);
            }
            LONGEST_CHAIN.accumulateAndGet(length, Math::max);
        }
    }

    @Inject
    BalanceStreamConfig config;

    @Test
    void aPollKeepsNoEarlierPollsContextReachable() {
        LONGEST_CHAIN.set(0);
        long before = Simulator.summaryRequests("contoso");
        await().atMost(Duration.ofSeconds(30)).until(() -> Simulator.summaryRequests("contoso") >= before + 10);
        // Within one poll each retry (and a token renewal) nests in the attempt before it: bounded by the poll.
        int onePoll = 1 + config.http().maxAttempts() + 1;
        assertThat(LONGEST_CHAIN.get()).as("contexts reachable from a call's context after 10 polls")
                .isBetween(1, onePoll);
    }
}
