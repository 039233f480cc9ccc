package dev.baton.server;

import dev.baton.queue.VersionJobStats;
import dev.baton.rollout.HttpCounters;
import dev.baton.rollout.HttpStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's chart data: every {@link #EVERY}, per version, requests/s, error rate and p99 from the proxy's
 * cumulative counters (the difference of two readings, as the canary analysis takes them), and jobs/s and job
 * failure rate from the queue, kept for {@link #KEPT}. A reading that fails is logged (throttled) and skipped;
 * the sampling goes on.
 */
final class DashboardSeries implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DashboardSeries.class);
    static final Duration EVERY = Duration.ofSeconds(2);
    static final Duration KEPT = Duration.ofMinutes(15);

    /** One window of one version; a rate is null when the window had nothing to measure it on. */
    record Point(Instant at, Double rps, Double errorRate, Double p99Ms, Double jobsPerSecond, Double jobFailureRate) {}

    private final Supplier<Map<String, HttpCounters>> http;
    private final Function<Instant, Map<String, VersionJobStats>> jobs;
    private final Clock clock;
    private final Map<String, Deque<Point>> byVersion = new TreeMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("baton-dashboard-series").daemon().factory());
    private Map<String, HttpCounters> lastHttp;
    private Instant lastAt;
    private long failures;

    DashboardSeries(Supplier<Map<String, HttpCounters>> http, Function<Instant, Map<String, VersionJobStats>> jobs,
                    Clock clock) {
        this.http = http;
        this.jobs = jobs;
        this.clock = clock;
    }

    DashboardSeries start() {
        timer.scheduleWithFixedDelay(this::sampleQuietly, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void sampleQuietly() {
        try {
            sample();
            if (failures > 0) {
                log.info("dashboard chart sampling works again after {} failed reading(s)", failures);
                failures = 0;
            }
        } catch (RuntimeException e) {
            if (failures++ % 30 == 0) {
                log.warn("dashboard chart: cannot read the metrics ({} failure(s) in a row): {}", failures, e.toString());
            }
        }
    }

    /** Takes one reading and adds the window since the last one. */
    synchronized void sample() {
        Instant now = clock.instant();
        Map<String, HttpCounters> counters = http.get();
        if (lastAt != null) {
            double seconds = Math.max(1e-3, Duration.between(lastAt, now).toMillis() / 1000.0);
            Map<String, VersionJobStats> jobWindow = jobs.apply(lastAt);
            List<String> versions = new ArrayList<>(counters.keySet());
            jobWindow.keySet().stream().filter(v -> !versions.contains(v)).forEach(versions::add);
            for (String v : versions) {
                HttpStats h = counters.containsKey(v) ? counters.get(v).since(lastHttp.get(v)) : HttpStats.NONE;
                VersionJobStats j = jobWindow.get(v);
                long jobsDone = j == null ? 0 : j.completed() + j.failed() + j.discarded();
                if (h.requests() == 0 && jobsDone == 0) {
                    continue;
                }
                byVersion.computeIfAbsent(v, k -> new ArrayDeque<>()).addLast(new Point(now,
                        h.requests() / seconds, h.requests() == 0 ? null : 100.0 * h.errors() / h.requests(),
                        h.p99() == null ? null : h.p99().toNanos() / 1e6, j == null ? null : jobsDone / seconds,
                        jobsDone == 0 ? null : 100.0 * (j.failed() + j.discarded()) / jobsDone));
            }
        }
        Instant oldest = now.minus(KEPT);
        byVersion.values().forEach(points -> {
            while (!points.isEmpty() && points.peekFirst().at().isBefore(oldest)) {
                points.removeFirst();
            }
        });
        byVersion.values().removeIf(Deque::isEmpty);
        lastHttp = counters;
        lastAt = now;
    }

    /** {@code {versions: {v: [points, oldest first]}}}. */
    synchronized Map<String, Object> view() {
        Map<String, Object> versions = new LinkedHashMap<>();
        byVersion.forEach((v, points) -> versions.put(v, List.copyOf(points)));
        return Map.of("versions", versions, "every", EVERY);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
