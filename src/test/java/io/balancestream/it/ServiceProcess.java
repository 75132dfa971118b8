package io.balancestream.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}, production profile) in a JVM of its own, so a
 * test can stop it cleanly or kill it like a crash and start it again with the same settings.
 */
final class ServiceProcess implements AutoCloseable {

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    private final Map<String, String> settings;
    private final int managementPort = io.balancestream.simulator.LocalKafkaBroker.freePort();
    private final Map<String, String> environment;
    private final Path log;
    private Process process;

    ServiceProcess(Map<String, String> settings, Path log) {
        this(settings, Map.of(), log);
    }

    /** With environment variables too, the way containers configure the service. */
    ServiceProcess(Map<String, String> settings, Map<String, String> environment, Path log) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: *IT tests run after the package phase (./mvnw verify)");
        }
        this.settings = settings;
        this.environment = environment;
        this.log = log;
        try {
            // One log per process object: its restarts append, an earlier build's run does not count.
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ServiceProcess start() {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-XX:+UseSerialGC"));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        // Health and metrics are on the management interface; each process gets a port of its own.
        command.add("-Dquarkus.management.port=" + managementPort);
        command.addAll(List.of("-jar", JAR.toString()));
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The port of its management interface: /q/health, /q/metrics. */
    int managementPort() {
        return managementPort;
    }

    /** SIGKILL: no shutdown hook, no flush, like a crash or an OOM kill. */
    void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    /** SIGTERM: Quarkus shuts down gracefully. */
    void stop() {
        process.destroy();
        waitForExit();
    }

    /** SIGSTOP: the JVM freezes, as a paused pod or a long GC pause does; its sockets stay open. */
    void pause() {
        signal("STOP");
    }

    /** SIGCONT: the frozen JVM goes on where it stopped, unaware of the time that passed. */
    void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    boolean waitForExit(long seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void waitForExit() {
        if (!waitForExit(30)) {
            process.destroyForcibly();
            waitForExit(10);
        }
    }

    @Override
    public void close() {
        if (isAlive()) {
            kill();
        }
    }
}
