package io.balancestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * What {@code ./mvnw package} ships (target/quarkus-app, the content of the container image) holds production code
 * only: no class or resource of the dev tooling in src/dev (the Partner Center simulator, the local Kafka broker) and
 * no private key. .ci/run checks the native build's input (-Dquarkus.native.sources-only) the same way.
 */
class ProductionArtifactIT {

    private static final Path APP = Path.of("target", "quarkus-app");

    @Test
    void thePackagedApplicationHoldsNoDevToolingAndNoKey() throws IOException {
        List<String> entries = new ArrayList<>();
        try (Stream<Path> files = Files.walk(APP)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                entries.add(APP.relativize(file).toString());
                if (file.toString().endsWith(".jar")) {
                    try (JarFile jar = new JarFile(file.toFile())) {
                        jar.stream().forEach(entry -> entries.add(file.getFileName() + "!/" + entry.getName()));
                    }
                }
            }
        }

        assertThat(entries).as("the service itself is there").anyMatch(
                entry -> entry.endsWith("!/io/balancestream/publish/TransactionalPublisher.class"));
        assertThat(entries).as("dev tooling or keys in the production artifact").noneMatch(entry -> entry.contains(
                "io/balancestream/simulator/") || entry.contains("!/simulator/") || entry.endsWith(".pem")
                || entry.endsWith(".key") || entry.contains("LocalKafkaBroker"));
    }
}
