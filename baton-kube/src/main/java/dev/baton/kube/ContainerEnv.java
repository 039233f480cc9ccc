package dev.baton.kube;

import dev.baton.common.Durations;
import dev.baton.rollout.AppSpec;
import dev.baton.rollout.DrainSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The container's environment: what Baton's local driver and control plane give every instance
 * ({@code PORT}, {@code BATON_PORT}, {@code BATON_APP}, {@code BATON_VERSION}, {@code BATON_INSTANCE},
 * {@code BATON_DRAIN_TIMEOUT}, {@code BATON_JOBS_SOFT}, {@code BATON_JOBS_HARD}), the worker runtime's own
 * deadline variables when the spec has a worker ({@code BATON_WORKER_SOFT_STOP}, {@code BATON_WORKER_HARD_STOP},
 * and {@code BATON_HEALTH_HOST=0.0.0.0} so the kubelet can probe it), the spec's {@code env}, and
 * {@code BATON_DATABASE_URL} from a Secret, never inline.
 */
final class ContainerEnv {
    /** Names the generator derives from the spec; the spec's {@code env} may not set them, or they could disagree. */
    static final Set<String> RESERVED = Set.of("PORT", "BATON_PORT", "BATON_APP", "BATON_VERSION", "BATON_INSTANCE",
            "BATON_DRAIN_TIMEOUT", "BATON_JOBS_SOFT", "BATON_JOBS_HARD", "BATON_WORKER_SOFT_STOP",
            "BATON_WORKER_HARD_STOP", "BATON_HEALTH_HOST", "BATON_DATABASE_URL");

    private ContainerEnv() {}

    static List<Map<String, Object>> of(AppSpec spec, KubeOptions options, int port) {
        for (String name : spec.env().keySet()) {
            if (RESERVED.contains(name)) {
                throw new IllegalArgumentException("env." + name + ": set by the generator on Kubernetes ("
                        + (name.equals("BATON_DATABASE_URL") ? "from the Secret '" + options.databaseSecret() + "'"
                        : "from the spec's listen, drain and version") + "); remove it from env");
            }
        }
        List<Map<String, Object>> env = new ArrayList<>();
        DrainSpec drain = spec.drain();
        add(env, "PORT", Integer.toString(port));
        add(env, "BATON_PORT", Integer.toString(port));
        add(env, "BATON_APP", spec.app());
        add(env, "BATON_VERSION", options.effectiveVersion());
        env.add(KubeYaml.map("name", "BATON_INSTANCE",
                "valueFrom", KubeYaml.map("fieldRef", KubeYaml.map("fieldPath", "metadata.name"))));
        add(env, "BATON_DRAIN_TIMEOUT", Durations.oneUnit(drain.timeout()));
        add(env, "BATON_JOBS_SOFT", Durations.oneUnit(drain.jobsSoft()));
        add(env, "BATON_JOBS_HARD", Durations.oneUnit(drain.jobsHard()));
        if (spec.hasWorker()) {
            add(env, "BATON_WORKER_SOFT_STOP", Durations.oneUnit(drain.jobsSoft()));
            // The worker runtime counts its hard deadline after the soft one; the spec counts both from SIGTERM.
            add(env, "BATON_WORKER_HARD_STOP", Durations.oneUnit(workerHardStop(drain)));
            add(env, "BATON_HEALTH_HOST", "0.0.0.0");
        }
        env.add(KubeYaml.map("name", "BATON_DATABASE_URL", "valueFrom", KubeYaml.map("secretKeyRef",
                KubeYaml.map("name", options.databaseSecret(), "key", KubeOptions.DATABASE_SECRET_KEY))));
        // sorted: the spec's map has no stable order, and a render must not differ between runs (GitOps diffs)
        new TreeMap<>(spec.env()).forEach((k, v) -> add(env, k, v));
        return env;
    }

    /**
     * One unit only ({@code 20s}, {@code 1500ms}): the worker's and the sample's parsers take a single
     * number with a unit, not the spec's combined {@code 1m30s}.
     */
    private static void add(List<Map<String, Object>> env, String name, String value) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", name);
        e.put("value", value);
        env.add(e);
    }

    /** {@code jobs_hard - jobs_soft}, at least the 100 ms the worker runtime needs to release its jobs. */
    static java.time.Duration workerHardStop(dev.baton.rollout.DrainSpec drain) {
        java.time.Duration rest = drain.jobsHard().minus(drain.jobsSoft());
        return rest.compareTo(java.time.Duration.ofMillis(100)) < 0 ? java.time.Duration.ofMillis(100) : rest;
    }
}
