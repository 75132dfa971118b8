package io.balancestream.partnercenter;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * GUIDs for MS-RequestId and MS-CorrelationId: random version-4 UUIDs from the thread's random generator. They only
 * need to be unique, not unguessable, so every poll does not pay for SecureRandom (written here for that reason).
 */
public final class RequestIds {

    private RequestIds() {
    }

    public static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
