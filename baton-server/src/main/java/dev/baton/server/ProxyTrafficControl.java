package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.rollout.InstanceAddress;
import dev.baton.rollout.HttpCounters;
import dev.baton.rollout.TrafficControl;
import dev.baton.rollout.WebSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TrafficControl} over the proxies' admin API ({@link ProxyFleet}: one local proxy, or every replica of an
 * install). It keeps the desired routes and weights and always publishes the whole table (one atomic swap in each
 * proxy), so publishing again after a control-plane restart is the re-sync. A step is done once every answering
 * replica applied it. After new backends are published it waits (bounded) until every replica's own health checks
 * have made them READY, so a weight shift never lands on backends a proxy would not yet use; a drain is over when
 * the instance is idle on every replica.
 */
final class ProxyTrafficControl implements TrafficControl {
    private static final Logger log = LoggerFactory.getLogger(ProxyTrafficControl.class);
    static final Duration READY_WAIT = Duration.ofSeconds(15);
    private static final Duration POLL = Duration.ofMillis(100);

    private final ProxyFleet fleet;
    private final String previewHost;
    private final Integer previewPort;
    private final WebSpec.PinSpec pin;
    private Map<String, List<InstanceAddress>> routes = new TreeMap<>();
    private Map<String, Integer> weights = new LinkedHashMap<>();
    private volatile String preview;

    /**
     * @param previewHost the host to reach the proxy's preview listener on
     * @param previewPort the proxy's preview listener, or null when it has none (a preview version is then
     *                    smoke-checked on its instances directly)
     * @param pin         the spec's version pinning, or null for none
     */
    ProxyTrafficControl(ProxyAdmin admin, String previewHost, Integer previewPort, WebSpec.PinSpec pin) {
        this(ProxyFleet.of(admin), previewHost, previewPort, pin);
    }

    /** Over several proxy replicas. */
    ProxyTrafficControl(ProxyFleet fleet, String previewHost, Integer previewPort, WebSpec.PinSpec pin) {
        this.pin = pin;
        this.fleet = fleet;
        this.previewHost = previewHost.equals("0.0.0.0") || previewHost.equals("::") ? "127.0.0.1" : previewHost;
        this.previewPort = previewPort;
    }

    @Override
    public void setRoutes(Map<String, List<InstanceAddress>> backendsByVersion) {
        Set<String> added;
        synchronized (this) {
            Set<String> before = addresses(routes);
            routes = new TreeMap<>(backendsByVersion);
            publish();
            added = addresses(routes);
            added.removeAll(before);
        }
        awaitReadyInProxy(added);
    }

    @Override
    public synchronized void setWeights(Map<String, Integer> percentByVersion) {
        weights = new LinkedHashMap<>(percentByVersion);
        publish();
    }

    @Override
    public synchronized void setPreview(String version) {
        if (version != null && !version.equals(preview)) {
            if (previewPort == null) {
                log.warn("no preview port on the proxy (its spec has no strategy.preview): smoke-checking {} on its "
                        + "instances directly", version);
            } else {
                log.info("{} is on the preview port {}", version, previewPort);
            }
        }
        preview = version;
        if (previewPort != null) {
            publish();
        }
    }

    /** The proxy's preview port, or null when it has no preview listener. */
    Integer previewPort() {
        return previewPort;
    }

    /** The host to reach the preview listener on (loopback when the proxy listens on every address). */
    String previewHost() {
        return previewHost;
    }

    @Override
    public void drain(InstanceAddress backend) {
        fleet.onEach(admin -> {
            try {
                admin.drain(address(backend), Duration.ofMinutes(5));
            } catch (ProxyAdmin.ProxyAdminException e) {
                if (e.status != 400 && e.status != 404) {
                    throw e;
                }
                log.debug("drain {}: the proxy does not know it ({})", backend.id(), e.getMessage());
            }
            return null;
        });
    }

    @Override
    public boolean awaitIdle(InstanceAddress backend, Duration timeout) {
        Duration left = timeout;
        while (true) {
            Duration wait = left.compareTo(Duration.ofMinutes(5)) > 0 ? Duration.ofMinutes(5) : left;
            Duration w = wait;
            if (fleet.onEach(admin -> idleOn(admin, backend, w)).stream().allMatch(Boolean::booleanValue)) {
                return true;
            }
            left = left.minus(wait);
            if (left.isZero() || left.isNegative()) {
                return false;
            }
        }
    }

    private static boolean idleOn(ProxyAdmin admin, InstanceAddress backend, Duration wait) {
        try {
            return admin.awaitIdle(address(backend), wait).path("idle").asBoolean(false);
        } catch (ProxyAdmin.ProxyAdminException e) {
            if (e.status == 400 || e.status == 404) {
                return true; // the proxy forgot it: drained and gone
            }
            throw e;
        }
    }

    /** Every replica's counters, summed per version: the version's traffic, whichever replica carried it. */
    @Override
    public Map<String, HttpCounters> metrics() {
        Map<String, HttpCounters> out = new TreeMap<>();
        for (JsonNode replica : fleet.onEach(ProxyAdmin::metrics)) {
            counters(replica).forEach((v, c) -> out.merge(v, c, ProxyTrafficControl::sum));
        }
        return out;
    }

    static HttpCounters sum(HttpCounters a, HttpCounters b) {
        List<Long> buckets = new ArrayList<>();
        boolean sameBounds = a.bucketBounds().equals(b.bucketBounds());
        for (int i = 0; sameBounds && i < a.buckets().size(); i++) {
            buckets.add(a.buckets().get(i) + b.buckets().get(i));
        }
        return new HttpCounters(a.requests() + b.requests(), a.errors() + b.errors(),
                sameBounds ? a.bucketBounds() : List.of(), buckets, a.responses() + b.responses());
    }

    private static Map<String, HttpCounters> counters(JsonNode metrics) {
        Map<String, HttpCounters> out = new TreeMap<>();
        metrics.fields().forEachRemaining(e -> {
            JsonNode m = e.getValue();
            List<Duration> bounds = new ArrayList<>();
            m.path("latencyBucketBounds").forEach(b -> bounds.add(Duration.ofNanos(Math.round(b.asDouble() * 1e9))));
            List<Long> buckets = new ArrayList<>();
            m.path("latencyBuckets").forEach(b -> buckets.add(b.asLong()));
            if (buckets.size() == bounds.size() + 1) {
                buckets.removeLast(); // +Inf: every response, counted as latencyCount
            }
            if (buckets.size() != bounds.size()) {
                bounds.clear();
                buckets.clear();
            }
            out.put(e.getKey(), new HttpCounters(m.path("requests").asLong(), m.path("responses5xx").asLong(), bounds,
                    buckets, m.path("latencyCount").asLong()));
        });
        return out;
    }

    /** The version on preview, or null. */
    String preview() {
        return preview;
    }

    /** The table as last published: version → weight and backend addresses. */
    synchronized String tableJson() {
        Set<String> names = new TreeSet<>(routes.keySet());
        weights.forEach((v, w) -> {
            if (w > 0) {
                names.add(v);
            }
        });
        Map<String, Integer> w = new LinkedHashMap<>();
        int sum = 0;
        for (String v : names) {
            int x = weights.getOrDefault(v, 0);
            w.put(v, x);
            sum += x;
        }
        if (!names.isEmpty() && sum != 100) {
            w = byBackendCount(names);
        }
        List<Map<String, Object>> versions = new ArrayList<>();
        for (String v : names) {
            versions.add(Map.of("name", v, "weight", w.get(v),
                    "backends", routes.getOrDefault(v, List.of()).stream().map(ProxyTrafficControl::address).toList()));
        }
        Map<String, Object> table = new LinkedHashMap<>();
        table.put("versions", versions);
        table.put("sticky", false);
        if (preview != null && names.contains(preview)) {
            table.put("preview", preview);
        }
        if (pin != null) {
            table.put("pin", Map.of("header", pin.header(), "trustedPeers", pin.trusted()));
        }
        return Json.write(table);
    }

    private void publish() {
        fleet.publish(tableJson());
    }

    /** Until weights are published (a first deploy), traffic is split by the number of backends. */
    private Map<String, Integer> byBackendCount(Set<String> names) {
        Map<String, Integer> w = new LinkedHashMap<>();
        int total = names.stream().mapToInt(v -> routes.getOrDefault(v, List.of()).size()).sum();
        int given = 0;
        String last = null;
        for (String v : names) {
            int x = total == 0 ? 0 : 100 * routes.getOrDefault(v, List.of()).size() / total;
            w.put(v, x);
            given += x;
            if (total == 0 || !routes.getOrDefault(v, List.of()).isEmpty()) {
                last = v;
            }
        }
        w.merge(last, 100 - given, Integer::sum);
        return w;
    }

    private void awaitReadyInProxy(Set<String> added) {
        if (added.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + READY_WAIT.toNanos();
        Set<String> waiting = new HashSet<>(added);
        while (true) {
            Set<String> starting = new HashSet<>();
            for (JsonNode state : fleet.onEach(ProxyAdmin::state)) {
                state.path("backends").forEach(b -> {
                    if ("STARTING".equals(b.path("state").asText())) {
                        starting.add(b.path("id").asText());
                    }
                });
            }
            waiting.retainAll(starting);
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                log.warn("the proxy's health checks have not passed for {} within {}s; going on",
                        waiting, READY_WAIT.toSeconds());
                return;
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static Set<String> addresses(Map<String, List<InstanceAddress>> r) {
        Set<String> out = new HashSet<>();
        r.values().forEach(l -> l.forEach(b -> out.add(address(b))));
        return out;
    }

    static String address(InstanceAddress b) {
        return b.host() + ":" + b.port();
    }
}
