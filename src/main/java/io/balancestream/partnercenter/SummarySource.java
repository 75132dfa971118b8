package io.balancestream.partnercenter;

import java.util.Optional;

import io.balancestream.config.PartnerAccount;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;

/** One account's Partner Center as its poller sees it ({@link PartnerCenterClient}). */
public interface SummarySource {

    PartnerAccount account();

    /**
     * The account's invoice summary (or summaries per currency), retries and token renewal included; fails with a
     * {@link PartnerCenterException} saying why.
     */
    Uni<SummaryResponse> fetchSummary(String correlationId, Context trace);

    /** App+User: a rotated refresh token not yet stored; the poller stores it and reports {@link #refreshTokenSaved}. */
    Optional<String> unsavedRefreshToken();

    void refreshTokenSaved(String saved);
}
