package dev.baton.proxy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The routes of one service: its versions, each with a weight and backends. An immutable value;
 * the proxy swaps the whole table at once, so a blue-green switch is a single swap.
 *
 * <p>Valid tables: version names are unique, a backend belongs to at most one version, and when
 * there is at least one version the weights add up to 100. With {@code sticky}, the proxy sets a
 * cookie that keeps a client on the version first chosen for it (only while that version has
 * weight). With a {@code pin} rule, a request may name its version in a header; without one (the
 * default) that header means nothing. {@code preview} names the version that the proxy's preview
 * listener serves (a blue-green deploy's green before the swap), or is null.
 */
public record RouteTable(List<VersionRoute> versions, boolean sticky, PinRule pin, String preview) {

    /** A table with no versions: every request gets 503. */
    public static final RouteTable EMPTY = new RouteTable(List.of(), false);

    /** A table without pinning or preview. */
    public RouteTable(List<VersionRoute> versions, boolean sticky) {
        this(versions, sticky, null, null);
    }

    public RouteTable {
        if (versions == null) {
            throw new IllegalArgumentException("versions: required (a list of {name, weight, backends})");
        }
        Set<String> names = new HashSet<>();
        Set<String> backendIds = new HashSet<>();
        int total = 0;
        for (int i = 0; i < versions.size(); i++) {
            VersionRoute v = versions.get(i);
            if (v == null) {
                throw new IllegalArgumentException("versions[" + i + "]: must not be null");
            }
            if (!names.add(v.name())) {
                throw new IllegalArgumentException("versions[" + i + "].name: duplicate version '" + v.name() + "'");
            }
            for (String b : v.backends()) {
                if (!backendIds.add(BackendAddress.parse(b).toString())) {
                    throw new IllegalArgumentException("versions[" + i + "].backends: backend '" + b
                            + "' appears more than once in the table");
                }
            }
            total += v.weight();
        }
        if (!versions.isEmpty() && total != 100) {
            throw new IllegalArgumentException("versions[*].weight: weights must add up to 100, they add up to " + total);
        }
        if (preview != null && !names.contains(preview)) {
            throw new IllegalArgumentException("preview: '" + preview + "' is not a version of the table; versions: "
                    + names);
        }
        versions = List.copyOf(versions);
    }

    /** Convenience: a single version taking all traffic. */
    public static RouteTable single(String version, List<String> backends) {
        return new RouteTable(List.of(new VersionRoute(version, 100, backends)), false);
    }

    /**
     * The same table with new weights for the named versions; versions not named keep their weight.
     *
     * @throws IllegalArgumentException naming the field when a version is unknown or the result is invalid
     */
    public RouteTable withWeights(Map<String, Integer> weights) {
        if (weights == null || weights.isEmpty()) {
            throw new IllegalArgumentException("weights: required, a map of version name to weight 0-100");
        }
        Map<String, VersionRoute> byName = new LinkedHashMap<>();
        versions.forEach(v -> byName.put(v.name(), v));
        for (Map.Entry<String, Integer> e : weights.entrySet()) {
            if (!byName.containsKey(e.getKey())) {
                throw new IllegalArgumentException("weights." + e.getKey() + ": unknown version; known versions: "
                        + byName.keySet());
            }
            if (e.getValue() == null || e.getValue() < 0 || e.getValue() > 100) {
                throw new IllegalArgumentException("weights." + e.getKey() + ": must be between 0 and 100, was "
                        + e.getValue());
            }
        }
        List<VersionRoute> next = new ArrayList<>();
        for (VersionRoute v : versions) {
            Integer w = weights.get(v.name());
            next.add(w == null ? v : v.withWeight(w));
        }
        return new RouteTable(next, sticky, pin, preview);
    }

    /** The same table with {@code version} (one of its versions, or null for none) on the preview listener. */
    public RouteTable withPreview(String version) {
        return new RouteTable(versions, sticky, pin, version);
    }

    /** Every backend id in the table. */
    public Set<String> backendIds() {
        Set<String> ids = new HashSet<>();
        versions.forEach(v -> v.backends().forEach(b -> ids.add(BackendAddress.parse(b).toString())));
        return ids;
    }
}
