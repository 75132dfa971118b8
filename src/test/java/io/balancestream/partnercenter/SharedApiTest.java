package io.balancestream.partnercenter;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SharedApiTest {

    private final List<PartnerCenterApi> built = new ArrayList<>();
    private final List<PartnerCenterApi> closed = new ArrayList<>();

    /** A client that only records being closed. */
    private PartnerCenterApi newClient() {
        PartnerCenterApi[] self = new PartnerCenterApi[1];
        self[0] = (PartnerCenterApi) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { PartnerCenterApi.class }, (proxy, method, args) -> {
                    return switch (method.getName()) {
                        case "close" -> {
                            closed.add(self[0]);
                            yield null;
                        }
                        case "equals" -> proxy == args[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        default -> null;
                    };
                });
        built.add(self[0]);
        return self[0];
    }

    @Test
    void accountsShareOneClientUntilABodyIsAbandoned() {
        SharedApi api = new SharedApi(this::newClient);
        PartnerCenterApi first = api.get();
        assertThat(api.get()).isSameAs(first);
        assertThat(built).hasSize(1);

        api.drop(first);
        assertThat(closed).containsExactly(first);
        PartnerCenterApi second = api.get();
        assertThat(second).isNotSameAs(first);
        assertThat(built).hasSize(2);
    }

    @Test
    void aSecondDropOfTheSameAbandonedClientLeavesItsReplacementOpen() {
        SharedApi api = new SharedApi(this::newClient);
        PartnerCenterApi first = api.get();
        api.drop(first);
        PartnerCenterApi second = api.get();

        api.drop(first); // another poll that used the first client gives up on it later

        assertThat(closed).containsExactly(first);
        assertThat(api.get()).isSameAs(second);
    }
}
