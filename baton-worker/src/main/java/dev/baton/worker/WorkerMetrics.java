package dev.baton.worker;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The worker's counters, rendered as Prometheus text. Job metrics carry {@code kind} and
 * {@code version} labels, so a rollout can compare versions side by side.
 */
final class WorkerMetrics {

    /** Job counters, one family each. */
    enum Counter {
        CLAIMED("baton_worker_jobs_claimed_total", "Jobs claimed by this worker."),
        COMPLETED("baton_worker_jobs_completed_total", "Jobs completed."),
        FAILED("baton_worker_jobs_failed_total", "Attempts that failed (handler threw); the queue retries or discards."),
        RETRIED_LATER("baton_worker_jobs_retried_later_total", "Jobs the handler asked to run again later."),
        DISCARDED("baton_worker_jobs_discarded_total", "Jobs the handler discarded, e.g. for an invalid payload."),
        RELEASED("baton_worker_jobs_released_total", "Jobs handed back unfinished at a stop, attempt not counted."),
        LEASE_LOST("baton_worker_jobs_lease_lost_total", "Jobs whose lease was lost; their result was not recorded.");

        final String metricName;
        final String help;

        Counter(String metricName, String help) {
            this.metricName = metricName;
            this.help = help;
        }
    }

    private final String version;
    private final ConcurrentMap<Counter, ConcurrentMap<String, LongAdder>> counters = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, DurationHistogram> durations = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LongAdder> loopErrors = new ConcurrentHashMap<>();

    WorkerMetrics(String version) {
        this.version = version;
    }

    void increment(Counter counter, String kind) {
        counters.computeIfAbsent(counter, c -> new ConcurrentHashMap<>())
                .computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    void add(Counter counter, String kind, int n) {
        counters.computeIfAbsent(counter, c -> new ConcurrentHashMap<>())
                .computeIfAbsent(kind, k -> new LongAdder()).add(n);
    }

    long count(Counter counter, String kind) {
        Map<String, LongAdder> byKind = counters.get(counter);
        LongAdder a = byKind == null ? null : byKind.get(kind);
        return a == null ? 0 : a.sum();
    }

    void handlerDuration(String kind, Duration duration) {
        durations.computeIfAbsent(kind, k -> new DurationHistogram()).record(duration);
    }

    void loopError(String loop) {
        loopErrors.computeIfAbsent(loop, l -> new LongAdder()).increment();
    }

    long loopErrors(String loop) {
        LongAdder a = loopErrors.get(loop);
        return a == null ? 0 : a.sum();
    }

    /** The whole exposition; {@code inFlightKinds} is the kind of each job running now. */
    String render(Collection<String> handledKinds, Collection<String> inFlightKinds, int completionsPending,
            int concurrency, boolean ready, boolean databaseUp) {
        StringBuilder out = new StringBuilder(4096);
        for (Counter c : Counter.values()) {
            PrometheusText.header(out, c.metricName, "counter", c.help);
            Map<String, LongAdder> byKind = new TreeMap<String, LongAdder>();
            byKind.putAll(counters.getOrDefault(c, new ConcurrentHashMap<>()));
            for (String kind : handledKinds) {
                byKind.putIfAbsent(kind, new LongAdder());
            }
            byKind.forEach((kind, value) -> sample(out, c.metricName, kindLabels(kind), value.sum()));
        }
        PrometheusText.header(out, "baton_worker_jobs_in_flight", "gauge",
                "Jobs holding a slot: handlers running, or whose outcome is being recorded.");
        Map<String, Long> running = new TreeMap<>();
        handledKinds.forEach(k -> running.put(k, 0L));
        inFlightKinds.forEach(k -> running.merge(k, 1L, Long::sum));
        running.forEach((kind, n) -> sample(out, "baton_worker_jobs_in_flight", kindLabels(kind), n));

        String histogram = "baton_worker_handler_duration_seconds";
        PrometheusText.header(out, histogram, "histogram", "Time from handler start to its result.");
        new TreeMap<>(durations).forEach((kind, h) -> h.render(out, histogram, kindLabels(kind)));

        PrometheusText.header(out, "baton_worker_completions_pending", "gauge",
                "Completions waiting to be written in a batch; their slots are freed once it is durable.");
        sample(out, "baton_worker_completions_pending", PrometheusText.labels("version", version), completionsPending);
        PrometheusText.header(out, "baton_worker_slots", "gauge", "The concurrency limit.");
        sample(out, "baton_worker_slots", PrometheusText.labels("version", version), concurrency);
        PrometheusText.header(out, "baton_worker_ready", "gauge", "1 when claiming jobs and the database answers.");
        sample(out, "baton_worker_ready", PrometheusText.labels("version", version), ready ? 1 : 0);
        PrometheusText.header(out, "baton_worker_database_up", "gauge", "0 while the database is unreachable.");
        sample(out, "baton_worker_database_up", PrometheusText.labels("version", version), databaseUp ? 1 : 0);
        PrometheusText.header(out, "baton_worker_loop_errors_total", "counter",
                "Failed iterations of a background loop (it logs and carries on).");
        new TreeMap<>(loopErrors).forEach((loop, n) ->
                sample(out, "baton_worker_loop_errors_total", PrometheusText.labels("loop", loop), n.sum()));
        return out.toString();
    }

    private String kindLabels(String kind) {
        return PrometheusText.labels("kind", kind, "version", version);
    }

    private static void sample(StringBuilder out, String name, String labels, long value) {
        out.append(name).append('{').append(labels).append("} ").append(value).append('\n');
    }
}
