package dev.baton.proxy;

/**
 * Where one {@link Exchange} is. It moves only forward through {@link #canGo}, the one table of its
 * transitions; a failed attempt goes back to {@link #ROUTING} only when {@link RetryRule} says so.
 * Whether the request body has been read whole is a separate fact: it streams while these phases pass.
 */
enum ExchangePhase {
    /** Choosing a backend, or holding the request while a route switch completes. */
    ROUTING,
    /** Connecting to the chosen backend. */
    CONNECTING,
    /** The request goes to the backend; its response has not begun. */
    AWAITING,
    /** The response has begun and streams to the client: no retry any more. */
    RESPONDING,
    /** The backend switched protocols (101): the two connections are relayed as they are. */
    SWITCHED,
    /** Answered, failed, or the client went away. */
    DONE;

    /** True when nothing more happens in the exchange. */
    boolean terminal() {
        return this == SWITCHED || this == DONE;
    }

    /** True before the response begins: the proxy may still answer with its own status. */
    boolean beforeResponse() {
        return this == ROUTING || this == CONNECTING || this == AWAITING;
    }

    /** The transitions: the only moves an exchange makes. */
    boolean canGo(ExchangePhase next) {
        return switch (this) {
            case ROUTING -> next == CONNECTING || next == AWAITING || next == DONE;
            case CONNECTING -> next == AWAITING || next == ROUTING || next == DONE;
            case AWAITING -> next == RESPONDING || next == ROUTING || next == DONE;
            case RESPONDING -> next == DONE || next == SWITCHED;
            case SWITCHED, DONE -> false;
        };
    }
}
