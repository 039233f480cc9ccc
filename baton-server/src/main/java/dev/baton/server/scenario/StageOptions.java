package dev.baton.server.scenario;

import dev.baton.common.Version;
import dev.baton.server.KubeTarget;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link Stage} runs.
 *
 * @param home the stage's {@code .baton} home (the control plane's state, the database, the logs)
 * @param initialVersion the sample app version deployed first
 * @param instances instances of the sample app, 1..10
 * @param httpRate requests per second through the proxy, 1..2000
 * @param jobRate {@code sample.work} jobs enqueued per second, 1..1000
 * @param jobDuration how long each job works, 0..10s
 * @param quick shorter drain deadlines, analysis interval and pauses (the demo's {@code --quick}, the tests)
 * @param progress where progress lines go (standard error); never standard output
 * @param kubernetes the cluster whose Pods run the sample (its namespace required), or null for local processes
 * @param nodeSelector on Kubernetes: node labels the sample's pods must land on (e.g. a test's own nodes); may be empty
 */
public record StageOptions(Path home, String initialVersion, int instances, int httpRate, int jobRate,
                           Duration jobDuration, boolean quick, PrintStream progress, KubeTarget kubernetes,
                           Map<String, String> nodeSelector) {

    /** A stage of local processes. */
    public StageOptions(Path home, String initialVersion, int instances, int httpRate, int jobRate,
                        Duration jobDuration, boolean quick, PrintStream progress) {
        this(home, initialVersion, instances, httpRate, jobRate, jobDuration, quick, progress, null);
    }

    /** A stage on {@code kubernetes} (null: local processes) whose pods may land on any node. */
    public StageOptions(Path home, String initialVersion, int instances, int httpRate, int jobRate,
                        Duration jobDuration, boolean quick, PrintStream progress, KubeTarget kubernetes) {
        this(home, initialVersion, instances, httpRate, jobRate, jobDuration, quick, progress, kubernetes, Map.of());
    }

    public StageOptions {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(progress, "progress");
        nodeSelector = Map.copyOf(nodeSelector == null ? Map.of() : nodeSelector);
        if (!nodeSelector.isEmpty() && kubernetes == null) {
            throw new IllegalArgumentException("nodeSelector: only for a stage on Kubernetes");
        }
        Version.check("initialVersion", initialVersion);
        if (instances < 1 || instances > 10) {
            throw new IllegalArgumentException("instances: must be 1..10, got " + instances);
        }
        if (httpRate < 1 || httpRate > 2000) {
            throw new IllegalArgumentException("httpRate: must be 1..2000 per second, got " + httpRate);
        }
        if (jobRate < 1 || jobRate > 1000) {
            throw new IllegalArgumentException("jobRate: must be 1..1000 per second, got " + jobRate);
        }
        if (kubernetes != null && (kubernetes.kubeconfig() == null || kubernetes.namespace() == null)) {
            throw new IllegalArgumentException("kubernetes: a stage needs the kubeconfig and the namespace");
        }
        if (jobDuration == null || jobDuration.isNegative() || jobDuration.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("jobDuration: must be 0..10s, got " + jobDuration);
        }
    }

    /** v1 on 2 instances (3 when not quick), 50 (100) requests and 10 (20) jobs of 50 ms per second. */
    public static StageOptions defaults(Path home, boolean quick, PrintStream progress) {
        return new StageOptions(home, "v1", quick ? 2 : 3, quick ? 50 : 100, quick ? 10 : 20, Duration.ofMillis(50),
                quick, progress);
    }

    /** The same stage with the sample as Pods on {@code target}. */
    public StageOptions onKubernetes(KubeTarget target) {
        return new StageOptions(home, initialVersion, instances, httpRate, jobRate, jobDuration, quick, progress, target,
                nodeSelector);
    }

    /** The same stage with its pods only on nodes labelled {@code labels}. */
    public StageOptions onNodes(Map<String, String> labels) {
        return new StageOptions(home, initialVersion, instances, httpRate, jobRate, jobDuration, quick, progress,
                kubernetes, labels);
    }
}
