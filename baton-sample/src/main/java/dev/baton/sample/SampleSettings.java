package dev.baton.sample;

import dev.baton.common.DatabaseConfig;
import dev.baton.worker.OptionArgs;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the sample app is started with: command-line options, each falling back to an
 * environment variable, plus the {@link Misbehaviour} switches.
 *
 * @param host the address the HTTP server binds, an IP literal ({@code --host}, {@code BATON_HOST}; default
 *             127.0.0.1; on Kubernetes the pod's IP from the downward API)
 * @param port HTTP port on {@code host}, 0 for any free port ({@code --port}, {@code BATON_PORT})
 * @param version the version this instance runs ({@code --version}, {@code BATON_VERSION})
 * @param database where the queue and the sample's tables live ({@code BATON_DATABASE_URL}); {@code null}
 *     runs HTTP only, without worker and without {@code POST /orders}
 * @param kinds job kinds the embedded worker handles ({@code BATON_WORKER_KINDS}); empty for no worker
 * @param concurrency worker slots ({@code BATON_WORKER_CONCURRENCY})
 * @param lease job lease of the worker ({@code BATON_WORKER_LEASE})
 * @param drainTimeout how long in-flight requests may run after SIGTERM ({@code BATON_DRAIN_TIMEOUT})
 * @param jobsSoft how long in-flight jobs may finish after SIGTERM ({@code BATON_JOBS_SOFT})
 * @param jobsHard by when, counted from SIGTERM too, the jobs still running are interrupted and released
 *                 ({@code BATON_JOBS_HARD}; at least {@code BATON_JOBS_SOFT}, like the spec's {@code drain.jobs_hard})
 * @param misbehaviour the {@code SAMPLE_*} switches
 */
public record SampleSettings(String host, int port, String version, DatabaseConfig database, Set<String> kinds, int concurrency,
                             Duration lease, Duration drainTimeout, Duration jobsSoft, Duration jobsHard,
                             Misbehaviour misbehaviour) {

    /** The one job kind this app has a handler for. */
    public static final String WORK_KIND = "sample.work";

    public static final String USAGE = """
            usage: SampleApp [--host IP] [--port N] [--version V]   (or BATON_HOST, BATON_PORT, BATON_VERSION)
              BATON_DATABASE_URL          queue database; unset = HTTP only (no worker, no POST /orders)
              BATON_WORKER_KINDS          job kinds to work on, comma-separated: sample.work (default) or empty
              BATON_WORKER_CONCURRENCY    worker slots, 1..1000; default 10
              BATON_WORKER_LEASE          job lease, 500ms..1h; default 30s
              BATON_DRAIN_TIMEOUT         in-flight requests after SIGTERM; default 10s
              BATON_JOBS_SOFT             in-flight jobs may finish after SIGTERM; default 20s
              BATON_JOBS_HARD             by then (from SIGTERM) the rest are released; default 25s
              SAMPLE_ERROR_RATE, SAMPLE_LATENCY_MS, SAMPLE_START_DELAY_MS, SAMPLE_NEVER_READY,
              SAMPLE_CRASH_AFTER_MS, SAMPLE_JOB_FAIL_RATE, SAMPLE_JOB_MS   misbehaviour, see docs/sample.md
            durations: 500ms, 20s, 2m, 1h or ISO-8601 (PT20S)
            """;

    /** The default address: loopback only, as Baton's local driver routes to. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    private static final java.util.regex.Pattern IP_LITERAL =
            java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");

    public SampleSettings {
        if (host == null || !IP_LITERAL.matcher(host).matches()) {
            throw new IllegalArgumentException("host: must be an IP address such as 127.0.0.1 or 0.0.0.0, got '"
                    + host + "'");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port: must be within 0..65535 (0 = any free port), got " + port);
        }
        if (version == null || version.isBlank() || version.length() > 100) {
            throw new IllegalArgumentException("version: must be 1..100 characters, got '" + version + "'");
        }
        kinds = Set.copyOf(Objects.requireNonNull(kinds, "kinds"));
        for (String kind : kinds) {
            if (!WORK_KIND.equals(kind)) {
                throw new IllegalArgumentException("BATON_WORKER_KINDS: unknown kind '" + kind
                        + "'; this app handles: " + WORK_KIND);
            }
        }
        if (concurrency < 1 || concurrency > 1000) {
            throw new IllegalArgumentException("BATON_WORKER_CONCURRENCY: must be within 1..1000, got " + concurrency);
        }
        if (lease == null || lease.compareTo(Duration.ofMillis(500)) < 0 || lease.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("BATON_WORKER_LEASE: must be within 500ms..1h, got " + lease);
        }
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(jobsSoft, "jobsSoft");
        if (jobsHard == null || jobsHard.compareTo(jobsSoft) < 0) {
            throw new IllegalArgumentException("BATON_JOBS_HARD: must be at least BATON_JOBS_SOFT (" + jobsSoft
                    + "), both counted from SIGTERM; got " + jobsHard);
        }
        Objects.requireNonNull(misbehaviour, "misbehaviour");
    }

    /** Whether an embedded worker runs: a database is configured and at least one kind is. */
    public boolean runsWorker() {
        return database != null && !kinds.isEmpty();
    }

    /**
     * Reads options ({@code --port 8080}, {@code --port=8080}) and the environment.
     *
     * @throws IllegalArgumentException naming the option or variable and what it accepts
     */
    public static SampleSettings parse(String[] args, Map<String, String> env) {
        Map<String, String> options = OptionArgs.parse(args, List.of("host", "port", "version"));
        String host = options.getOrDefault("host", env.get("BATON_HOST"));
        String port = options.getOrDefault("port", env.get("BATON_PORT"));
        String version = options.getOrDefault("version", env.get("BATON_VERSION"));
        String kinds = env.get("BATON_WORKER_KINDS");
        Set<String> kindSet = new LinkedHashSet<>();
        if (kinds == null) {
            kindSet.add(WORK_KIND);
        } else {
            Arrays.stream(kinds.split(",")).map(String::strip).filter(k -> !k.isEmpty()).forEach(kindSet::add);
        }
        return new SampleSettings(
                blank(host) ? DEFAULT_HOST : host.strip(),
                blank(port) ? 8080 : SettingText.integer("port", port, 0, 65_535),
                blank(version) ? "dev" : version.strip(),
                DatabaseConfig.fromEnvironment(env),
                kindSet,
                blank(env.get("BATON_WORKER_CONCURRENCY")) ? 10
                        : SettingText.integer("BATON_WORKER_CONCURRENCY", env.get("BATON_WORKER_CONCURRENCY"), 1, 1000),
                duration(env, "BATON_WORKER_LEASE", Duration.ofSeconds(30)),
                duration(env, "BATON_DRAIN_TIMEOUT", Duration.ofSeconds(10)),
                duration(env, "BATON_JOBS_SOFT", Duration.ofSeconds(20)),
                duration(env, "BATON_JOBS_HARD", Duration.ofSeconds(25)),
                Misbehaviour.fromEnvironment(env));
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback) {
        String v = env.get(name);
        return blank(v) ? fallback : SettingText.duration(name, v);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
