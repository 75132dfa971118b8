package io.balancestream.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

import io.balancestream.events.BalanceChanged;

/** The contract guard: the event schema stays compatible with every released version, both ways. */
class SchemaCompatibilityTest {

    private static final Path CURRENT = Path.of("avro", "BalanceChanged.avsc");
    private static final Path RELEASED = Path.of("avro", "released");

    private static Schema parse(Path file) {
        try {
            return new Schema.Parser().parse(file.toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<Path> releasedVersions() throws IOException {
        try (Stream<Path> files = Files.list(RELEASED)) {
            return files.filter(file -> file.toString().endsWith(".avsc")).sorted().toList();
        }
    }

    @Test
    void currentSchemaReadsEveryReleasedVersionAndTheyReadIt() throws IOException {
        Schema current = parse(CURRENT);
        List<Path> released = releasedVersions();
        assertThat(released).isNotEmpty();
        for (Path version : released) {
            Schema old = parse(version);
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, old).getType())
                    .as("new consumers read events written with %s (backward)", version)
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(old, current).getType())
                    .as("consumers on %s read new events (forward)", version)
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @Test
    void generatedClassesComeFromTheContract() {
        // Same parsing canonical form, hence the same fingerprint on the wire (the generator only adds Java hints).
        assertThat(SchemaNormalization.toParsingForm(BalanceChanged.getClassSchema()))
                .isEqualTo(SchemaNormalization.toParsingForm(parse(CURRENT)));
    }

    @Test
    void theGuardCatchesIncompatibleChanges() throws IOException {
        Schema released = parse(releasedVersions().get(0));
        String text = Files.readString(CURRENT);
        Schema renamedField = new Schema.Parser().parse(text.replace("\"name\": \"sequence\"",
                "\"name\": \"sequenceNumber\""));
        Schema retypedAccountId = new Schema.Parser().parse(text.replace("\"name\": \"accountId\", \"type\": \"string\"",
                "\"name\": \"accountId\", \"type\": \"int\""));
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(renamedField, released).getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(retypedAccountId, released).getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }
}
