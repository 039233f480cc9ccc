package dev.baton.proxy;

import java.net.InetSocketAddress;

/** A backend's address, written {@code host:port}; this string is also the backend's id. */
public record BackendAddress(String host, int port) {

    public BackendAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host: required");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: must be between 1 and 65535, was " + port);
        }
    }

    /** Parses {@code host:port}; the message of the exception names what is wrong. */
    public static BackendAddress parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("must be \"host:port\", was null");
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("must be \"host:port\", was '" + text + "'");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port must be a number between 1 and 65535, was '" + text + "'");
        }
        return new BackendAddress(text.substring(0, colon), port);
    }

    /** The socket address to connect to (resolved now). */
    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
