package dev.baton.proxy;

/**
 * What the proxy knows about one backend at a moment.
 *
 * @param id              {@code host:port}
 * @param version         the version it serves
 * @param state           its state
 * @param inFlight        requests in flight
 * @param upgraded        open upgraded (WebSocket) connections
 * @param openConnections open connections from the proxy to it
 * @param idle            no request in flight and no upgraded connection open
 */
public record BackendView(String id, String version, BackendState state, int inFlight, int upgraded,
                          int openConnections, boolean idle) {

    static BackendView of(Backend b) {
        return new BackendView(b.id(), b.version(), b.state(), b.inFlight(), b.upgraded(), b.openConnections(),
                b.isIdle());
    }
}
