package dev.baton.worker;

import dev.baton.common.Durations;
import dev.baton.common.DatabaseConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Collections;
import java.util.stream.Collectors;

/**
 * The settings of a standalone worker process, from {@code --option value} (or {@code --option=value})
 * arguments, each falling back to an environment variable.
 *
 * @param database where the queue lives
 * @param config the worker's configuration
 * @param handlers the {@link HandlerProvider} class name
 */
public record WorkerOptions(DatabaseConfig database, WorkerConfig config, String handlers) {

    /** Each option and the environment variable it falls back to. */
    static final Map<String, String> OPTIONS = options(
            "database-url", DatabaseConfig.URL_ENV,
            "handlers", "BATON_WORKER_HANDLERS",
            "worker-id", "BATON_WORKER_ID",
            "version", "BATON_VERSION",
            "concurrency", "BATON_WORKER_CONCURRENCY",
            "poll-interval", "BATON_WORKER_POLL_INTERVAL",
            "soft-stop", "BATON_WORKER_SOFT_STOP",
            "hard-stop", "BATON_WORKER_HARD_STOP",
            "lease", "BATON_WORKER_LEASE",
            "completion-linger", "BATON_WORKER_COMPLETION_LINGER",
            "health-host", "BATON_HEALTH_HOST",
            "health-port", "BATON_HEALTH_PORT",
            "queues", "BATON_WORKER_QUEUES");

    public static final String USAGE = """
            usage: WorkerMain [--option value]...   (each option falls back to its environment variable)
              --database-url URL     BATON_DATABASE_URL          jdbc:postgresql://… or postgres://… (required)
              --handlers CLASS       BATON_WORKER_HANDLERS       a dev.baton.worker.HandlerProvider (required)
              --worker-id ID         BATON_WORKER_ID             default host-pid-random
              --version V            BATON_VERSION               tags claims and metrics; default unversioned
              --concurrency N        BATON_WORKER_CONCURRENCY    handlers at once, 1..10000; default 10
              --poll-interval D      BATON_WORKER_POLL_INTERVAL  default 1s
              --soft-stop D          BATON_WORKER_SOFT_STOP      in-flight jobs may finish; default 20s
              --hard-stop D          BATON_WORKER_HARD_STOP      interrupt and release; default 5s
              --lease D              BATON_WORKER_LEASE          default 30s
              --completion-linger D  BATON_WORKER_COMPLETION_LINGER  completions share a statement; 0..1m, default 5ms
              --health-host HOST     BATON_HEALTH_HOST           default 127.0.0.1 (0.0.0.0 for Kubernetes probes)
              --health-port PORT     BATON_HEALTH_PORT           0 = any free port, -1 = none; default 0
              --queues A,B           BATON_WORKER_QUEUES         default all queues
            durations: 500ms, 20s, 2m, 1h or ISO-8601 (PT20S)
            """;

    public WorkerOptions {
        if (database == null) {
            throw new IllegalArgumentException("database-url: required (--database-url or " + DatabaseConfig.URL_ENV
                    + ")");
        }
        if (handlers == null || handlers.isBlank()) {
            throw new IllegalArgumentException("handlers: required, the class name of a HandlerProvider "
                    + "(--handlers or BATON_WORKER_HANDLERS)");
        }
    }

    /**
     * Reads the options.
     *
     * @throws IllegalArgumentException naming the option and what it accepts
     */
    public static WorkerOptions parse(String[] args, Map<String, String> env) {
        Map<String, String> given = OptionArgs.parse(args, OPTIONS.keySet());
        Map<String, String> v = new HashMap<>();
        OPTIONS.forEach((option, envName) -> {
            String value = given.containsKey(option) ? given.get(option) : env.get(envName);
            if (value != null && !value.isBlank()) {
                v.put(option, value.strip());
            }
        });

        WorkerConfig c = WorkerConfig.defaults();
        if (v.containsKey("worker-id")) {
            c = c.withId(v.get("worker-id"));
        }
        if (v.containsKey("version")) {
            c = c.withVersion(v.get("version"));
        }
        if (v.containsKey("concurrency")) {
            c = c.withConcurrency(integer("concurrency", v.get("concurrency")));
        }
        if (v.containsKey("poll-interval")) {
            c = c.withPollInterval(Durations.parse("poll-interval", v.get("poll-interval")));
        }
        c = c.withStopDeadlines(
                v.containsKey("soft-stop") ? Durations.parse("soft-stop", v.get("soft-stop")) : c.softStop(),
                v.containsKey("hard-stop") ? Durations.parse("hard-stop", v.get("hard-stop")) : c.hardStop());
        if (v.containsKey("lease")) {
            c = c.withLease(Durations.parse("lease", v.get("lease")));
        }
        if (v.containsKey("completion-linger")) {
            Duration linger = Durations.parse("completion-linger", v.get("completion-linger"));
            if (linger.compareTo(WorkerConfig.MAX_LINGER) > 0) {
                throw new IllegalArgumentException("completion-linger: must be within 0ms..1m, got "
                        + v.get("completion-linger"));
            }
            c = c.withCompletionLinger(linger);
        }
        c = c.withHealth(v.getOrDefault("health-host", c.healthHost()),
                v.containsKey("health-port") ? integer("health-port", v.get("health-port")) : c.healthPort());
        if (v.containsKey("queues")) {
            c = c.withQueues(Arrays.stream(v.get("queues").split(",")).map(String::strip)
                    .filter(q -> !q.isEmpty()).collect(Collectors.toUnmodifiableSet()));
        }
        DatabaseConfig db = v.containsKey("database-url") ? DatabaseConfig.parse(v.get("database-url")) : null;
        return new WorkerOptions(db, c, v.get("handlers"));
    }

    private static int integer(String field, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": expected a whole number, got '" + text + "'");
        }
    }

    private static Map<String, String> options(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }
}
