package io.balancestream.partnercenter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BoundedBodyTest {

    /** A stream that hands out at most a few bytes per read, as a slow network does. */
    private static InputStream trickling(byte[] bytes) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] buffer, int offset, int length) {
                return super.read(buffer, offset, Math.min(length, 7));
            }
        };
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, 1, 2047, 2048, 2049, 5000, 10_000 })
    void readsEveryByteUpToTheLimitWhateverTheChunks(int size) throws IOException {
        String text = "€".repeat(size / 3) + "x".repeat(size % 3); // multi-byte UTF-8 across chunk borders
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertThat(BoundedBody.read(trickling(bytes), 10_000)).isEqualTo(text);
        assertThat(BoundedBody.read(new ByteArrayInputStream(bytes), bytes.length)).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 100, 2047, 2048, 4096 })
    void oneByteOverTheLimitStopsTheRead(int limit) {
        byte[] bytes = new byte[limit + 1];
        assertThatThrownBy(() -> BoundedBody.read(trickling(bytes), limit))
                .isInstanceOf(BoundedBody.TooLargeException.class).hasMessageContaining("longer than " + limit);
    }
}
