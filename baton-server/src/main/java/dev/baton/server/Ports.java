package dev.baton.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Ports checked before anything starts, so a taken port is a clear message and not a half-started system. */
final class Ports {
    private Ports() {}

    /**
     * @throws ApiException (400) naming {@code field} when {@code host:port} cannot be bound now
     */
    static void requireFree(String field, String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw ApiException.badRequest(field + ": port " + port + " on " + host + " is not free (" + e.getMessage()
                    + "); stop what listens there or choose another port");
        }
    }
}
