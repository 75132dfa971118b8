package io.balancestream.partnercenter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a response body up to a limit, from the stream the REST client fills while bytes arrive: a hostile or broken
 * upstream cannot make the service hold more than the limit. Blocking; callers run it on a worker thread.
 */
final class BoundedBody {

    /** Partner Center's summary is a few hundred bytes; anything near this is not a summary. */
    static final int MAX_BYTES = 1024 * 1024;
    /** A summary fits; a three-currency collection needs one doubling. */
    private static final int INITIAL_BYTES = 2048;

    private BoundedBody() {
    }

    /** Thrown when the body goes past the limit; reading stopped there. */
    static final class TooLargeException extends IOException {
        TooLargeException(int limit) {
            super("body longer than " + limit + " bytes; reading stopped there", null);
        }
    }

    /** The body as UTF-8 text; null for no body. Reads straight into one buffer that grows only for long bodies. */
    static String read(InputStream body, int limit) throws IOException {
        if (body == null) {
            return null;
        }
        byte[] bytes = new byte[Math.min(limit + 1, INITIAL_BYTES)];
        int total = 0;
        int read;
        while ((read = body.read(bytes, total, bytes.length - total)) > 0) {
            total += read;
            if (total > limit) {
                throw new TooLargeException(limit);
            }
            if (total == bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.min(limit + 1, bytes.length * 2));
            }
        }
        return new String(bytes, 0, total, StandardCharsets.UTF_8);
    }
}
