package dev.baton.worker;

/** Why the worker interrupted a running handler. */
public enum CancelReason {
    /** Another worker may own the job now; whatever this handler returns is not recorded. */
    LEASE_LOST,
    /** The hard stop deadline began; unless the handler still returns normally, the job is released. */
    SHUTDOWN
}
