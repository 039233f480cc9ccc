package dev.baton.proxy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Owns the live route table and the backends it names. The request path only reads
 * {@link #routes()}; changes compile a new {@link Routes} and swap it in one atomic set.
 */
final class Router {

    private final Map<String, Backend> backends = new ConcurrentHashMap<>();
    private final Map<String, VersionMetrics> metrics = new ConcurrentHashMap<>();
    private final Map<String, VersionMetrics> pinnedMetrics = new ConcurrentHashMap<>();
    private final AtomicReference<Routes> routes;
    private final BackendState initialState;

    Router(BackendState initialState) {
        this.initialState = initialState;
        this.routes = new AtomicReference<>(new Routes(RouteTable.EMPTY, backends, metrics, pinnedMetrics));
    }

    Routes routes() {
        return routes.get();
    }

    Backend backend(String id) {
        return backends.get(id);
    }

    Map<String, Backend> backends() {
        return backends;
    }

    Map<String, VersionMetrics> metrics() {
        return metrics;
    }

    /** Requests pinned to a version (by header or on the preview listener), kept out of its metrics. */
    Map<String, VersionMetrics> pinnedMetrics() {
        return pinnedMetrics;
    }

    /**
     * Makes {@code table} live. Backends new to the table start in the initial state (STARTING
     * when health checks run); a drained backend stays drained while it stays in the table, and comes
     * back as a fresh one only when it is added again after leaving it. Returns the
     * backends that left the table, for the caller to drain.
     */
    synchronized List<Backend> apply(RouteTable table) {
        var before = routes.get().table.backendIds();
        for (VersionRoute v : table.versions()) {
            metrics.computeIfAbsent(v.name(), VersionMetrics::new);
            pinnedMetrics.computeIfAbsent(v.name(), VersionMetrics::new);
            for (String b : v.backends()) {
                BackendAddress address = BackendAddress.parse(b);
                Backend backend = backends.compute(address.toString(), (id, old) ->
                        old == null || (!before.contains(id) && old.drainResult() != null)
                                ? new Backend(address, initialState) : old);
                backend.version(v.name());
            }
        }
        Routes previous = routes.getAndSet(new Routes(table, backends, metrics, pinnedMetrics));
        // Versions that left the table take their metrics with them (requests still in flight keep
        // counting into the objects they hold), so the maps never grow with old versions.
        Set<String> names = new HashSet<>();
        table.versions().forEach(v -> names.add(v.name()));
        metrics.keySet().retainAll(names);
        pinnedMetrics.keySet().retainAll(names);
        List<Backend> removed = new ArrayList<>();
        var keep = table.backendIds();
        for (String id : previous.table.backendIds()) {
            if (!keep.contains(id)) {
                Backend b = backends.get(id);
                if (b != null) {
                    removed.add(b);
                }
            }
        }
        return removed;
    }

    /** Forgets a backend that left the table and finished draining. */
    void forget(Backend b) {
        if (!routes.get().table.backendIds().contains(b.id())) {
            backends.remove(b.id(), b);
        }
    }
}
