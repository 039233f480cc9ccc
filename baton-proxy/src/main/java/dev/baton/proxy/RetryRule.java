package dev.baton.proxy;

/**
 * The one place that decides whether a failed attempt may be sent again to another backend.
 * A pure function; {@link Exchange} gathers the facts and carries the decision out.
 *
 * <p>A request may go to a second backend only when the first cannot have acted on it: nothing of
 * it was written (the connection failed, or was found closed before the head went out). Once its
 * head was written, the backend may have run it — even on a reused keep-alive connection, since a
 * backend that read a whole POST and was then killed looks exactly like a stale pooled connection —
 * so it is sent again only when it is safe to run twice (an idempotent method, or an
 * {@code Idempotency-Key} the client sent) and the retry budget has room. A response that has begun
 * is never retried: the client already has part of it.
 */
final class RetryRule {

    /** How far the failed attempt got. */
    enum Progress {
        /** The connection to the backend could not be made. */
        NOT_CONNECTED,
        /** Connected, but no byte of the request was written (the write failed or the connection was closed). */
        NOTHING_WRITTEN,
        /** At least the request head was written: the backend may have acted on it. */
        WRITTEN,
        /** The backend began its response. */
        RESPONSE_STARTED
    }

    /** What to do with the request. */
    enum Decision {
        /** Send it to another backend. */
        RETRY,
        /** Send it to another backend if the retry budget has room, else fail it. */
        RETRY_IF_BUDGET,
        /** Answer 502 (or cut a started response); never send it again. */
        FAIL
    }

    private RetryRule() {
    }

    /**
     * @param progress      how far the failed attempt got
     * @param replayable    the request is safe to run twice (idempotent method or idempotency key)
     * @param bodyAvailable the body can be sent again (none was sent, or it was kept for replay)
     * @param attemptsLeft  another attempt is allowed by {@code maxAttempts}
     */
    static Decision decide(Progress progress, boolean replayable, boolean bodyAvailable, boolean attemptsLeft) {
        if (progress == Progress.RESPONSE_STARTED || !attemptsLeft || !bodyAvailable) {
            return Decision.FAIL;
        }
        if (progress == Progress.NOT_CONNECTED || progress == Progress.NOTHING_WRITTEN) {
            return Decision.RETRY;
        }
        return replayable ? Decision.RETRY_IF_BUDGET : Decision.FAIL;
    }
}
