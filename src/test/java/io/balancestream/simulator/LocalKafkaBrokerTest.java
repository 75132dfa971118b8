package io.balancestream.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the tests' local Kafka brokers start, and what a failed start leaves behind: nothing running. */
class LocalKafkaBrokerTest {

    /**
     * The ports of a local cluster come from one call: two separate requests for a free port can get the same one,
     * and a node whose broker and controller listeners share a port fails at StorageTool format (seen once in CI).
     */
    @Test
    void portsAskedForTogetherAreDistinctAndFree() {
        List<Integer> ports = LocalKafkaBroker.freePorts(20);

        assertThat(ports).hasSize(20).doesNotHaveDuplicates().allSatisfy(port -> {
            assertThat(port).isPositive();
            assertThat(LocalKafkaBroker.portOpen(port)).as("nothing listens on %d", port).isFalse();
        });
    }

    @Test
    void aClusterThatFailsToStartLeavesNoBrokerRunning(@TempDir Path directory) throws IOException {
        Path firstNode = Files.createDirectory(directory.resolve("node1"));
        Path notADirectory = Files.writeString(directory.resolve("node2"), "a file where node 2's directory should be");
        Set<Long> before = runningChildren().stream().map(ProcessHandle::pid).collect(Collectors.toSet());
        try {
            assertThatThrownBy(() -> LocalKafkaBroker.startCluster(id -> id == 1 ? firstNode : notADirectory, 2,
                    false)).isInstanceOf(UncheckedIOException.class);

            assertThat(firstNode.resolve("server.properties")).as("node 1 was set up before node 2 failed").exists();
            assertThat(runningChildren()).as("no broker launched by the failed start outlives it")
                    .filteredOn(process -> !before.contains(process.pid())).isEmpty();
            assertThat(firstNode.resolve("format.log")).as("the logs a failure names stay").exists();
        } finally {
            runningChildren().stream().filter(process -> !before.contains(process.pid()))
                    .forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** The processes this test JVM started that still run (a broker is one; StorageTool ends by itself). */
    private static List<ProcessHandle> runningChildren() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
    }
}
