package io.balancestream.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The ports of a local cluster come from one call: two separate requests for a free port can get the same one, and a
 * node whose broker and controller listeners share a port fails at StorageTool format (seen once in CI).
 */
class LocalKafkaBrokerPortsTest {

    @Test
    void portsAskedForTogetherAreDistinctAndFree() {
        List<Integer> ports = LocalKafkaBroker.freePorts(20);

        assertThat(ports).hasSize(20).doesNotHaveDuplicates().allSatisfy(port -> {
            assertThat(port).isPositive();
            assertThat(LocalKafkaBroker.portOpen(port)).as("nothing listens on %d", port).isFalse();
        });
    }
}
