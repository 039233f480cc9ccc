package dev.baton.server.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The app spec a {@link Stage} deploys: the sample app ({@code dev.baton.sample.SampleApp}) run with this
 * JVM's classpath, as a worker of {@code sample.work}, a canary strategy with analysis (the spec's own), and
 * the strategy sections {@link Stage#deploy} uses for rolling and blue-green deploys. Quick stages get short
 * drain deadlines, leases, pauses, analysis intervals and, on Kubernetes, a short stay on a lost node.
 */
final class StageSpec {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** A quick stage's pods leave a lost node 5 s after it is tainted, so a node-loss scenario takes seconds. */
    static final String QUICK_NODE_LOSS_TOLERATION = "5s";

    private StageSpec() {}

    static String run(String classpath) {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        return java + " -Xmx96m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=2"
                + " -cp '" + classpath + "' dev.baton.sample.SampleApp --port {port} --version {version}";
    }

    /** The canary section: two steps, the analysis failing above 5% errors or job failures. */
    static Map<String, Object> canary(boolean quick, Object firstPause) {
        Map<String, Object> analysis = new LinkedHashMap<>();
        analysis.put("interval", quick ? "2s" : "3s");
        analysis.put("max_error_rate", "5%");
        analysis.put("max_job_failure_rate", "5%");
        analysis.put("min_requests", 20);
        return Map.of("type", "canary", "steps", List.of(Map.of("weight", 50, "pause", firstPause),
                Map.of("weight", 100)), "analysis", analysis);
    }

    static String section(String strategy, boolean quick) {
        return switch (strategy) {
            case "rolling" -> "{type: rolling, max_surge: 1, max_unavailable: 0, min_ready: 1s}";
            case "blue-green" -> "{type: blue-green, scale_down_delay: " + (quick ? "5s" : "15s") + "}";
            case "canary" -> null; // the spec's own
            default -> strategy.startsWith("{") ? strategy : fail(strategy);
        };
    }

    private static String fail(String strategy) {
        throw new IllegalArgumentException("strategy: must be rolling, blue-green, canary or a strategy section "
                + "like {type: canary, …}, got '" + strategy + "'");
    }

    static Path write(Path file, StageOptions o, int listen, String classpath, Object firstPause) throws IOException {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("app", "sample");
        spec.put("version", o.initialVersion());
        spec.put("listen", listen);
        spec.put("instances", o.instances());
        spec.put("run", run(classpath));
        spec.put("env", Map.of("BATON_WORKER_LEASE", o.quick() ? "3s" : "5s", "BATON_WORKER_CONCURRENCY", "8",
                "SAMPLE_JOB_MS", Long.toString(o.jobDuration().toMillis())));
        spec.put("web", Map.of("readiness", "/health/ready", "liveness", "/health/live"));
        spec.put("worker", Map.of("kinds", List.of("sample.work")));
        spec.put("drain", o.quick() ? Map.of("timeout", "3s", "jobs_soft", "2s", "jobs_hard", "3s")
                : Map.of("timeout", "5s", "jobs_soft", "3s", "jobs_hard", "5s"));
        spec.put("strategy", canary(o.quick(), firstPause));
        spec.put("progress_deadline", "90s");
        if (o.kubernetes() != null) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("image", "baton-sample:{version}");
            k.put("namespace", o.kubernetes().namespace());
            if (!o.nodeSelector().isEmpty()) {
                k.put("node_selector", o.nodeSelector());
            }
            if (o.quick()) {
                k.put("node_loss_toleration", QUICK_NODE_LOSS_TOLERATION);
            }
            spec.put("kubernetes", k);
        }
        Files.createDirectories(file.getParent());
        return Files.writeString(file, YAML.writeValueAsString(spec));
    }
}
