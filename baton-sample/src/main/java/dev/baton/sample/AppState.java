package dev.baton.sample;

/** Where the sample app is in its life; only {@link #READY} answers 200 on {@code /health/ready}. */
public enum AppState {
    /** HTTP is up (liveness 200) but the app is not ready yet: starting, slow start, or never ready. */
    STARTING,
    /** Serving and, when it has one, its worker is claiming jobs. */
    READY,
    /** SIGTERM received: readiness 503, in-flight requests and jobs finish, then the process exits. */
    DRAINING,
    /** Everything closed. */
    STOPPED
}
