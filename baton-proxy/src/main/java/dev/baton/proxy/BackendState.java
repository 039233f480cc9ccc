package dev.baton.proxy;

/**
 * Where a backend is in its life. Only {@link #READY} backends are given new requests.
 *
 * <pre>STARTING → READY ⇄ FAILED;  any → DRAINING → STOPPED</pre>
 */
public enum BackendState {
    /** Added to the route table, not yet passed its health checks. */
    STARTING,
    /** Healthy; receives new requests. */
    READY,
    /** Receives no new requests; requests and upgraded connections in flight may finish. */
    DRAINING,
    /** Drained (or cut at the drain deadline); receives nothing. */
    STOPPED,
    /** Failed a health check or refused/reset a connection; receives nothing until checks pass again. */
    FAILED;

    /** Whether this state may still become READY through health checks. */
    boolean recoverable() {
        return this == STARTING || this == READY || this == FAILED;
    }
}
