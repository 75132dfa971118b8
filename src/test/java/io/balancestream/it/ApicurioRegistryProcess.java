package io.balancestream.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.balancestream.simulator.LocalKafkaBroker;

/**
 * A real Apicurio Registry 3 (in-memory storage), run from the application archive Apicurio publishes on Maven
 * Central and the build unpacks to {@code target/apicurio-registry}. It is a Quarkus application built for
 * Java 21+, so it runs on the newest JDK found under /usr/lib/jvm (or JAVA21_HOME).
 */
final class ApicurioRegistryProcess implements AutoCloseable {

    private static final Path APP = Path.of("target", "apicurio-registry", "quarkus-run.jar");

    private final int port;
    private final Process process;

    private ApicurioRegistryProcess(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    static ApicurioRegistryProcess start(Path log) {
        if (!Files.isRegularFile(APP)) {
            throw new IllegalStateException(APP + " is missing: the build unpacks it in pre-integration-test");
        }
        int port = LocalKafkaBroker.freePort();
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(java21().toString(), "-Xmx512m", "-Dquarkus.http.port=" + port,
                    "-jar", APP.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            ApicurioRegistryProcess registry = new ApicurioRegistryProcess(port, process);
            HttpClient http = HttpClient.newHttpClient();
            await("Apicurio Registry up").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("Apicurio Registry exited, see " + log);
                        }
                        return http.send(HttpRequest.newBuilder(URI.create(registry.apiUrl() + "/system/info"))
                                .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                    });
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The registry's core v3 API, the URL Apicurio's serdes take as {@code apicurio.registry.url}. */
    String apiUrl() {
        return "http://localhost:" + port + "/apis/registry/v3";
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path java21() throws IOException {
        String configured = System.getenv("JAVA21_HOME");
        if (configured != null) {
            return Path.of(configured, "bin", "java");
        }
        List<Path> candidates;
        try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            candidates = jdks.filter(jdk -> majorVersion(jdk).orElse(0) >= 21)
                    .sorted((a, b) -> majorVersion(b).orElse(0) - majorVersion(a).orElse(0)).toList();
        }
        if (candidates.isEmpty()) {
            throw new IllegalStateException("Apicurio Registry 3 needs Java 21+: none under /usr/lib/jvm, set "
                    + "JAVA21_HOME");
        }
        return candidates.get(0).resolve("bin").resolve("java");
    }

    private static Optional<Integer> majorVersion(Path jdk) {
        Path release = jdk.resolve("release");
        if (!Files.isRegularFile(release) || !Files.isExecutable(jdk.resolve("bin").resolve("java"))) {
            return Optional.empty();
        }
        try {
            return Files.readAllLines(release).stream().filter(line -> line.startsWith("JAVA_VERSION="))
                    .map(line -> line.replaceAll("[^0-9.]", "").split("\\.")[0])
                    .map(Integer::parseInt).findFirst();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
