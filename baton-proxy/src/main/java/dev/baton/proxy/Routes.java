package dev.baton.proxy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link RouteTable} compiled for the request path: versions hold their {@link Backend} objects
 * and metrics directly, and version choice is a lock-free counter over 100 slots, so the observed
 * split equals the weights.
 */
final class Routes {

    /** Visits the 100 slots in an interleaved order (37 and 100 are coprime). */
    private static final int STRIDE = 37;

    final RouteTable table;
    private final Version[] versions;
    private final Version[] slots = new Version[100];
    /** The version with all the weight when only one has any (no counter needed then), else null. */
    private final Version only;
    private final Map<String, Version> byName = new HashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    Routes(RouteTable table, Map<String, Backend> backends, Map<String, VersionMetrics> metrics,
            Map<String, VersionMetrics> pinnedMetrics) {
        this.table = table;
        List<VersionRoute> vs = table.versions();
        versions = new Version[vs.size()];
        int slot = 0;
        for (int i = 0; i < vs.size(); i++) {
            VersionRoute r = vs.get(i);
            Backend[] bs = r.backends().stream()
                    .map(b -> backends.get(BackendAddress.parse(b).toString()))
                    .toArray(Backend[]::new);
            versions[i] = new Version(r.name(), r.weight(), bs, metrics.get(r.name()), pinnedMetrics.get(r.name()));
            byName.put(r.name(), versions[i]);
            for (int w = 0; w < r.weight(); w++) {
                slots[slot++] = versions[i];
            }
        }
        Version weighted = null;
        int withWeight = 0;
        for (Version v : versions) {
            if (v.weight > 0) {
                weighted = v;
                withWeight++;
            }
        }
        only = withWeight == 1 ? weighted : null;
    }

    Version version(String name) {
        return name == null ? null : byName.get(name);
    }

    /**
     * A READY backend not in {@code tried}: of the pinned version if {@code pin} names one (no
     * fallback), else of the sticky version if it still has weight, else of the version the weights
     * choose, falling back to any other weighted version with a READY backend. Null when none.
     */
    Choice choose(String pin, String sticky, List<Backend> tried) {
        if (versions.length == 0) {
            return null;
        }
        Version pinned = version(pin);
        if (pinned != null) {
            Backend b = pinned.next(tried);
            return b == null ? null : new Choice(pinned, b, true);
        }
        Version stuck = version(sticky);
        if (stuck != null && stuck.weight > 0) {
            Backend b = stuck.next(tried);
            if (b != null) {
                return new Choice(stuck, b, false);
            }
        }
        Version v = only != null ? only : slots[(int) ((sequence.getAndIncrement() % 100) * STRIDE % 100)];
        Backend b = v.next(tried);
        if (b != null) {
            return new Choice(v, b, false);
        }
        for (Version other : versions) {
            if (other != v && other.weight > 0) {
                b = other.next(tried);
                if (b != null) {
                    return new Choice(other, b, false);
                }
            }
        }
        return null;
    }

    /**
     * A backend that admitted the request, its version, and whether the request was pinned there
     * (pinned requests are counted apart from the version's weighted traffic).
     */
    record Choice(Version version, Backend backend, boolean pinned) {
    }

    static final class Version {
        final String name;
        final int weight;
        final Backend[] backends;
        final VersionMetrics metrics;
        /** Requests pinned to this version by header or preview: never part of its analysis. */
        final VersionMetrics pinnedMetrics;
        private final AtomicInteger next = new AtomicInteger();

        Version(String name, int weight, Backend[] backends, VersionMetrics metrics, VersionMetrics pinnedMetrics) {
            this.name = name;
            this.weight = weight;
            this.backends = backends;
            this.metrics = metrics;
            this.pinnedMetrics = pinnedMetrics;
        }

        /**
         * Round robin over READY backends, skipping those already tried; the backend returned has
         * admitted the request (it is counted in flight, see {@link Backend#tryAdmit()}).
         */
        Backend next(List<Backend> tried) {
            int n = backends.length;
            if (n == 0) {
                return null;
            }
            if (n == 1) {
                Backend b = backends[0];
                return (tried == null || !tried.contains(b)) && b.tryAdmit() ? b : null;
            }
            int start = next.getAndIncrement() & Integer.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                Backend b = backends[(start + i) % n];
                if ((tried == null || !tried.contains(b)) && b.isReady() && b.tryAdmit()) {
                    return b;
                }
            }
            return null;
        }
    }
}
