package dev.baton.proxy;

import java.net.InetSocketAddress;
import java.util.regex.Pattern;

/**
 * A backend's address, written {@code host:port} ({@code [v6]:port} for an IPv6 address); this
 * string is also the backend's id. The host is a DNS name, an IPv4 address or an IPv6 address, and
 * nothing else: an address that could not be connected to or probed is refused when the route table
 * is set, never found later by a health check.
 */
public record BackendAddress(String host, int port) {

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    public BackendAddress {
        if (host == null || !validHost(host)) {
            throw new IllegalArgumentException("host: must be a DNS name, an IPv4 or an IPv6 address, was "
                    + (host == null ? "null" : "'" + host + "'"));
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: must be between 1 and 65535, was " + port);
        }
    }

    /** Parses {@code host:port} or {@code [v6]:port}; the message of the exception names what is wrong. */
    public static BackendAddress parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("must be \"host:port\", was null");
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("must be \"host:port\" (or \"[v6]:port\"), was '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
            if (host.indexOf(':') < 0) {
                throw new IllegalArgumentException("only an IPv6 address goes in brackets, was '" + text + "'");
            }
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("an IPv6 address must be in brackets, \"[v6]:port\", was '" + text + "'");
        }
        String portText = text.substring(colon + 1);
        int port = -1;
        if (portText.length() <= 5 && portText.chars().allMatch(Character::isDigit)) {
            port = Integer.parseInt(portText);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be a number between 1 and 65535, was '" + text + "'");
        }
        if (!validHost(host)) {
            throw new IllegalArgumentException("'" + host + "' is not a DNS name, an IPv4 or an IPv6 address, in '"
                    + text + "'");
        }
        return new BackendAddress(host, port);
    }

    private static boolean validHost(String host) {
        if (host.indexOf(':') >= 0) {
            return IPV6.matcher(host).matches() && host.chars().filter(c -> c == ':').count() <= 7;
        }
        var v4 = IPV4.matcher(host);
        if (v4.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(v4.group(i)) > 255) {
                    return false;
                }
            }
            return true;
        }
        if (host.isEmpty() || host.length() > 253) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** The socket address to connect to (resolved now). */
    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
