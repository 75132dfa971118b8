package io.balancestream.partnercenter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a response body up to a limit, from the stream the REST client fills while bytes arrive: a hostile or broken
 * upstream cannot make the service hold more than the limit. Blocking; callers run it on a worker thread.
 */
final class BoundedBody {

    /** Partner Center's summary is a few hundred bytes; anything near this is not a summary. */
    static final int MAX_BYTES = 1024 * 1024;

    private BoundedBody() {
    }

    /** Thrown when the body goes past the limit; reading stopped there. */
    static final class TooLargeException extends IOException {
        TooLargeException(int limit) {
            super("body longer than " + limit + " bytes; reading stopped there", null);
        }
    }

    /** The body as UTF-8 text; null for no body. */
    static String read(InputStream body, int limit) throws IOException {
        if (body == null) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.min(limit, 1024));
        byte[] chunk = new byte[8192];
        int total = 0;
        int read;
        while ((read = body.read(chunk, 0, Math.min(chunk.length, limit + 1 - total))) > 0) {
            total += read;
            if (total > limit) {
                throw new TooLargeException(limit);
            }
            bytes.write(chunk, 0, read);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
