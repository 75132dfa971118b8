package io.balancestream.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Apache Kafka broker (KRaft, broker and controller in one) in its own JVM, run from the Kafka
 * jars on Maven Central: the Docker-free Kafka of dev mode and of the tests. The classpath comes from
 * {@code target/kafka-broker.classpath}, which the build writes (maven-dependency-plugin, test scope).
 * Its data directory survives a stop, so a restarted broker still has every event; a temporary broker's directory
 * (tests) is deleted when the broker is closed.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    public static final Path CLASSPATH_FILE = Path.of("target", "kafka-broker.classpath");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

    private final Path directory;
    private final int nodeId;
    private final int port;
    private final int controllerPort;
    private final String voters;
    private final String clusterId;
    private final int replicationFactor;
    private boolean temporary;
    /** Runs in a session of its own: a terminal's Ctrl-C does not reach it, whoever started it stops it. */
    private boolean detached;
    private Process process;

    private LocalKafkaBroker(Path directory, int nodeId, int port, int controllerPort, String voters,
            String clusterId, int replicationFactor) {
        this.directory = directory;
        this.nodeId = nodeId;
        this.port = port;
        this.controllerPort = controllerPort;
        this.voters = voters;
        this.clusterId = clusterId;
        this.replicationFactor = replicationFactor;
    }

    /** Formats {@code directory} on first use, starts the broker and waits until it serves requests. */
    public static LocalKafkaBroker start(Path directory, int port) {
        return start(directory, port, false, false);
    }

    /**
     * As {@link #start(Path, int)}, in a session of its own where {@code setsid} exists: Ctrl-C in the terminal then
     * reaches only the JVM that started the broker, which stops it after its own Kafka clients are done.
     */
    public static LocalKafkaBroker startDetached(Path directory, int port) {
        return start(directory, port, true, false);
    }

    private static LocalKafkaBroker start(Path directory, int port, boolean detached, boolean temporary) {
        List<Integer> ports = freePorts(2);
        int controllerPort = ports.get(0) == port ? ports.get(1) : ports.get(0);
        LocalKafkaBroker broker = new LocalKafkaBroker(directory.toAbsolutePath(), 1, port == 0 ? ports.get(1) : port,
                controllerPort, "1@localhost:" + controllerPort, Uuid.randomUuid().toString(), 1);
        broker.detached = detached;
        broker.temporary = temporary;
        startOrKill(List.of(broker), () -> {
            broker.format();
            broker.start();
        });
        return broker;
    }

    /** A broker in a new temporary directory, deleted by {@link #close()}: nothing stays behind a test run. */
    public static LocalKafkaBroker startTemporary(String name) {
        return start(temporaryDirectory(name), 0, false, true);
    }

    /** A cluster ({@link #startCluster}) with a new temporary directory per node, deleted when the node is closed. */
    public static List<LocalKafkaBroker> startTemporaryCluster(String name, int size) {
        return startCluster(id -> temporaryDirectory(name + "-node" + id), size, true);
    }

    /**
     * A cluster of {@code size} nodes, each broker and controller, all voters of one KRaft quorum, internal topics
     * replicated to every node (min.insync.replicas 2). Started together: a quorum needs a majority to come up.
     */
    static List<LocalKafkaBroker> startCluster(IntFunction<Path> directoryOfNode, int size, boolean temporary) {
        // Node id's broker port is ports[2 (id - 1)], its controller port the next one: all distinct.
        List<Integer> ports = freePorts(2 * size);
        StringBuilder voters = new StringBuilder();
        for (int id = 1; id <= size; id++) {
            voters.append(id == 1 ? "" : ",").append(id).append("@localhost:").append(ports.get(2 * id - 1));
        }
        String clusterId = Uuid.randomUuid().toString();
        List<LocalKafkaBroker> nodes = new ArrayList<>();
        for (int id = 1; id <= size; id++) {
            LocalKafkaBroker node = new LocalKafkaBroker(directoryOfNode.apply(id).toAbsolutePath(), id,
                    ports.get(2 * id - 2), ports.get(2 * id - 1), voters.toString(), clusterId, size);
            node.temporary = temporary;
            nodes.add(node);
        }
        startOrKill(nodes, () -> {
            for (LocalKafkaBroker node : nodes) {
                node.format();
                node.launch();
            }
            nodes.forEach(LocalKafkaBroker::awaitReady);
        });
        return nodes;
    }

    /**
     * Runs the start-up; if it fails, kills every node, so that no broker launched before the failure outlives the
     * JVM that started it (a failed cluster start once left two brokers running after the test run). The directories
     * stay: the failure names the log in them.
     */
    private static void startOrKill(List<LocalKafkaBroker> nodes, Runnable startUp) {
        try {
            startUp.run();
        } catch (RuntimeException failure) {
            for (LocalKafkaBroker node : nodes) {
                try {
                    node.kill();
                } catch (RuntimeException killing) {
                    failure.addSuppressed(killing);
                }
            }
            throw failure;
        }
    }

    public int nodeId() {
        return nodeId;
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public int port() {
        return port;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the broker again on the same port and data, after {@link #stop()} or {@link #kill()}. */
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        launch();
        awaitReady();
    }

    private synchronized void launch() {
        writeConfig();
        List<String> command = new ArrayList<>();
        if (detached) {
            Stream.of("/usr/bin/setsid", "/bin/setsid").filter(setsid -> Files.isExecutable(Path.of(setsid)))
                    .findFirst().ifPresent(command::add);
        }
        command.addAll(List.of(javaExecutable(), "-Xms128m", "-Xmx512m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
                "-cp", readClasspath(), "kafka.Kafka", config().toString()));
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("broker.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the Kafka broker JVM", e);
        }
    }

    /** Stops the broker cleanly (SIGTERM) and waits for it. */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            waitFor(process);
        }
    }

    /** Kills the broker without notice (SIGKILL), as a crash would. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(process);
        }
    }

    /** Stops the broker; a temporary one is killed instead (its data is thrown away) and its directory deleted. */
    @Override
    public synchronized void close() {
        if (!temporary) {
            stop();
            return;
        }
        kill();
        try (Stream<Path> tree = Files.walk(directory)) {
            tree.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + directory, e);
        }
    }

    private static Path temporaryDirectory(String name) {
        try {
            return Files.createTempDirectory(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void format() {
        if (Files.exists(directory.resolve("data").resolve("meta.properties"))) {
            return;
        }
        writeConfig();
        List<String> command = List.of(javaExecutable(), "-Xmx256m", "-cp", readClasspath(),
                "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config().toString());
        try {
            Process format = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("format.log").toFile()))
                    .start();
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IllegalStateException("formatting Kafka storage failed, see " + directory.resolve(
                        "format.log"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run Kafka's StorageTool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting Kafka storage", e);
        }
    }

    private void writeConfig() {
        String config = String.join("\n",
                "process.roles=broker,controller",
                "node.id=" + nodeId,
                "controller.quorum.voters=" + voters,
                "listeners=PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort,
                "advertised.listeners=PLAINTEXT://localhost:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + directory.resolve("data"),
                "num.partitions=1",
                "offsets.topic.replication.factor=" + replicationFactor,
                "default.replication.factor=" + replicationFactor,
                "transaction.state.log.replication.factor=" + replicationFactor,
                "transaction.state.log.min.isr=" + Math.min(2, replicationFactor),
                "share.coordinator.state.topic.replication.factor=" + replicationFactor,
                "share.coordinator.state.topic.min.isr=" + Math.min(2, replicationFactor),
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=true",
                "");
        try {
            Files.createDirectories(directory);
            Files.writeString(config(), config);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the Kafka broker configuration", e);
        }
    }

    private Path config() {
        return directory.resolve("server.properties");
    }

    private synchronized void awaitReady() {
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka broker exited with " + process.exitValue() + ", see "
                        + directory.resolve("broker.log"));
            }
            if (portOpen(port) && answersMetadata()) {
                return;
            }
            sleep(Duration.ofMillis(200));
        }
        kill();
        throw new IllegalStateException("the Kafka broker did not start within " + STARTUP_TIMEOUT + ", see "
                + directory.resolve("broker.log"));
    }

    private boolean answersMetadata() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    public static boolean portOpen(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String readClasspath() {
        Path file = CLASSPATH_FILE.toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: it is written by the build ("
                    + "./mvnw generate-resources, or any later phase)");
        }
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * {@code count} distinct free ports: the sockets are held open together, so the operating system cannot hand out
     * one port twice (two calls of {@link #freePort()} can, and a broker whose listeners share a port does not start).
     */
    public static List<Integer> freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing a listening socket that accepted nothing does not fail in practice
                }
            }
        }
    }

    /** A port nothing listens on right now; for several at once, {@link #freePorts(int)}. */
    public static int freePort() {
        return freePorts(1).get(0);
    }

    private static void waitFor(Process process) {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
    }
}
