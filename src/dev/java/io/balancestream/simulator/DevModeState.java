package io.balancestream.simulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.LaunchMode;

/**
 * What the simulator carries over dev mode's live reload (a reload starts a new application) and restarts, as JSON
 * files in {@code target/simulator}: what Partner Center itself would still know. Outside dev mode nothing is kept.
 */
final class DevModeState {

    private final Path directory;

    DevModeState(Path directory) {
        this.directory = directory;
    }

    /** The dev-mode store, or none in tests and packaged runs (each starts from the samples). */
    static Optional<DevModeState> ofDevMode() {
        return LaunchMode.current() == LaunchMode.DEVELOPMENT
                ? Optional.of(new DevModeState(Path.of("target", "simulator")))
                : Optional.empty();
    }

    /** What was saved under this name; empty when nothing was, or the file is damaged (start as on a first start). */
    <T> Optional<T> restore(String name, ObjectMapper json, JavaType type) {
        Path file = directory.resolve(name);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(json.readValue(Files.readString(file), type));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Best effort: losing it only means the next start serves the samples again. */
    void save(String name, ObjectMapper json, Object state) {
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve(name), json.writeValueAsString(state));
        } catch (IOException e) {
            // as above
        }
    }
}
