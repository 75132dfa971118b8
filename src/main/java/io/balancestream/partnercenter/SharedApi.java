package io.balancestream.partnercenter;

import java.io.IOException;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

/**
 * The REST client of one Partner Center base URL, shared by every account that polls there: one connection pool
 * and one pool cleaner for all of them instead of one per account. A poll that abandons a body (too long, or its
 * deadline passed) closes the client, which closes the connection still delivering that body (left open it would
 * be drained for as long as the server sends); the next request builds a new client. Requests of other accounts
 * in flight on the closed client fail as connection errors and are retried like any.
 */
final class SharedApi {

    private static final Logger LOG = Logger.getLogger(SharedApi.class);

    private final Supplier<PartnerCenterApi> build;
    private PartnerCenterApi current;

    SharedApi(Supplier<PartnerCenterApi> build) {
        this.build = build;
    }

    synchronized PartnerCenterApi get() {
        if (current == null) {
            current = build.get();
        }
        return current;
    }

    /** Closes {@code abandoned}, unless another poll closed it already and a new client replaced it. */
    void drop(PartnerCenterApi abandoned) {
        synchronized (this) {
            if (current != abandoned) {
                return;
            }
            current = null;
        }
        try {
            abandoned.close();
        } catch (IOException | RuntimeException e) {
            LOG.debugf("Closing an abandoned Partner Center HTTP client: %s", e);
        }
    }
}
