package dev.baton.rollout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ports local instances may get: any free port ({@link #ANY}, the OS picks), or a range such as
 * {@code 20000-20999} for hosts whose firewall opens only those. Within a range the search starts after the last
 * port handed out, skips ports recorded for live instances (one that has not bound yet still looks free) and
 * takes the first that can be bound.
 */
public final class PortRange {
    public static final PortRange ANY = new PortRange(0, 0);

    private final int first;
    private final int last;
    private final AtomicInteger next = new AtomicInteger();

    private PortRange(int first, int last) {
        this.first = first;
        this.last = last;
    }

    /**
     * {@code FIRST-LAST} (1024..65535, FIRST <= LAST).
     *
     * @throws IllegalArgumentException naming {@code field} and what is allowed
     */
    public static PortRange parse(String field, String text) {
        String[] parts = text == null ? new String[0] : text.strip().split("-");
        try {
            if (parts.length == 2) {
                int a = Integer.parseInt(parts[0].strip());
                int b = Integer.parseInt(parts[1].strip());
                if (a >= 1024 && b <= 65535 && a <= b) {
                    return new PortRange(a, b);
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(field + ": must be a port range FIRST-LAST within 1024-65535, e.g. "
                + "20000-20999, got '" + text + "'");
    }

    /** A port that is free now on {@code host} and not in {@code taken}. */
    int free(String host, Set<Integer> taken) throws IOException {
        if (this == ANY) {
            return bind(host, 0);
        }
        int size = last - first + 1;
        int start = Math.floorMod(next.get(), size);
        for (int k = 0; k < size; k++) {
            int port = first + (start + k) % size;
            if (taken.contains(port)) {
                continue;
            }
            try {
                bind(host, port);
                next.set(start + k + 1);
                return port;
            } catch (IOException busy) {
                // taken by something else: try the next
            }
        }
        throw new IOException("no free port left in " + this + " for a new instance");
    }

    private static int bind(String host, int port) throws IOException {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }

    @Override
    public String toString() {
        return this == ANY ? "any free port" : first + "-" + last;
    }
}
