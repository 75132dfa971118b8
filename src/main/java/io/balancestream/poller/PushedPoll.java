package io.balancestream.poller;

/** What a push (a verified invoice-ready callback) did to an account's polling. */
public enum PushedPoll {
    /** The waiting account polls now, or as soon as {@code balance-stream.webhook.min-poll-interval} allows. */
    WOKE,
    /** A push already waits for its poll: this one joins it. */
    COALESCED,
    /** A poll is running, or Partner Center asked for a pause (429): one more poll follows as soon as allowed. */
    QUEUED,
    /** Another instance polls this account (or none yet): nothing happened here. */
    NOT_OWNED
}
