package dev.baton.server.verify;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One scenario of {@code baton verify}: a deploy with a strategy under steady HTTP and job load, with its
 * faults, judged afterwards against the invariants.
 *
 * @param name unique, e.g. {@code rolling-worker-kill}
 * @param strategy rolling, blue-green or canary
 * @param faults what is injected; empty for a deploy of a healthy version
 */
public record Scenario(String name, String strategy, List<Fault> faults) {

    /** The strategies, as {@code baton deploy --strategy} names them. */
    public static final List<String> STRATEGIES = List.of("rolling", "blue-green", "canary");

    public Scenario {
        Objects.requireNonNull(name, "name");
        if (!STRATEGIES.contains(strategy)) {
            throw new IllegalArgumentException("strategy: must be one of " + STRATEGIES + ", got " + strategy);
        }
        faults = List.copyOf(faults);
        if (faults.stream().map(Fault::kind).distinct().count() != faults.size()) {
            throw new IllegalArgumentException("faults: each kind at most once, got " + faults);
        }
    }

    /** A scenario named after its strategy and faults. */
    public static Scenario of(String strategy, FaultKind... kinds) {
        StringBuilder name = new StringBuilder(strategy);
        for (FaultKind k : kinds) {
            name.append('+').append(k.option());
        }
        return new Scenario(name.toString(), strategy, java.util.Arrays.stream(kinds).map(Fault::of).toList());
    }

    /** Whether the deploy must end rolled back. */
    public boolean expectsRollback() {
        return faults.stream().anyMatch(Fault::rollsBack);
    }

    /** Environment for the new version's instances: every fault's switches. */
    public Map<String, String> versionEnv() {
        Map<String, String> env = new HashMap<>();
        faults.forEach(f -> env.putAll(f.versionEnv()));
        return Map.copyOf(env);
    }

    public boolean needsSlowRequests() {
        return faults.stream().anyMatch(Fault::needsSlowRequests);
    }

    public Set<FaultKind> kinds() {
        return faults.stream().map(Fault::kind).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** The fault that makes the new version answer 500s on purpose, if any. */
    public boolean failsRequestsOnPurpose() {
        return faults.stream().anyMatch(f -> f instanceof ErroringCanary);
    }
}
