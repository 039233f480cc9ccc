package dev.baton.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * Counters of one version: requests, responses by status class, retries, in flight, and a latency
 * histogram. Everything is cumulative since the proxy started, as Prometheus counters are: whoever judges
 * a window (the control plane's canary analysis) takes the difference of two snapshots, so the latency
 * histogram is also published in fixed buckets ({@link #BUCKET_BOUNDS_SECONDS}) that subtract exactly. Recording is lock-free and uncontended: adders, and one HdrHistogram
 * {@link SingleWriterRecorder} per recording thread (the event loops), so two loops never fight over
 * one cache line per response; only {@link #snapshot()} synchronizes, on the reader side.
 */
public final class VersionMetrics {

    private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

    /** Upper bounds of the published latency buckets, in seconds; a last {@code +Inf} bucket is implied. */
    public static final List<Double> BUCKET_BOUNDS_SECONDS = List.of(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075,
            0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0, 60.0);

    private final String version;
    private final LongAdder requests = new LongAdder();
    private final LongAdder[] byClass = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(),
            new LongAdder()};
    private final LongAdder retries = new LongAdder();
    private final LongAdder inFlight = new LongAdder();
    private final LongAdder latencySumMicros = new LongAdder();
    private final List<SingleWriterRecorder> recorders = new CopyOnWriteArrayList<>();
    private final ThreadLocal<SingleWriterRecorder> recorder = ThreadLocal.withInitial(() -> {
        SingleWriterRecorder r = new SingleWriterRecorder(MAX_MICROS, 3);
        recorders.add(r);
        return r;
    });
    private final Histogram total = new Histogram(MAX_MICROS, 3);
    private final Histogram interval = new Histogram(MAX_MICROS, 3);

    VersionMetrics(String version) {
        this.version = version;
    }

    public String version() {
        return version;
    }

    void requestStarted() {
        requests.increment();
        inFlight.increment();
    }

    /** A response went out with {@code status} after {@code nanos}. */
    void responded(int status, long nanos) {
        int c = status / 100;
        if (c >= 1 && c <= 5) {
            byClass[c - 1].increment();
        }
        long micros = Math.min(MAX_MICROS, Math.max(0, nanos / 1000));
        recorder.get().recordValue(micros);
        latencySumMicros.add(micros);
    }

    void requestEnded() {
        inFlight.decrement();
    }

    void retried() {
        retries.increment();
    }

    /** A consistent-enough copy of the counters, with latency percentiles in microseconds. */
    public synchronized Snapshot snapshot() {
        for (SingleWriterRecorder r : recorders) {
            r.getIntervalHistogramInto(interval);
            total.add(interval);
        }
        long[] classes = new long[5];
        for (int i = 0; i < 5; i++) {
            classes[i] = byClass[i].sum();
        }
        return new Snapshot(version, requests.sum(), classes[0], classes[1], classes[2], classes[3], classes[4],
                retries.sum(), inFlight.sum(), total.getTotalCount(),
                total.getValueAtPercentile(50), total.getValueAtPercentile(90), total.getValueAtPercentile(99),
                total.getValueAtPercentile(99.9), total.getMaxValue(), total.getTotalCount() == 0 ? 0 : total.getMean(),
                latencySumMicros.sum(), BUCKET_BOUNDS_SECONDS, buckets(total));
    }

    /** Cumulative counts at or below each bound (Prometheus {@code le}), then {@code +Inf}: every response. */
    private static List<Long> buckets(Histogram h) {
        List<Long> out = new ArrayList<>(BUCKET_BOUNDS_SECONDS.size() + 1);
        for (double bound : BUCKET_BOUNDS_SECONDS) {
            long micros = Math.round(bound * 1_000_000);
            out.add(h.getTotalCount() == 0 ? 0 : h.getCountBetweenValues(0, micros));
        }
        out.add(h.getTotalCount());
        return out;
    }

    /**
     * Counters of one version since the proxy started. Latencies are in microseconds. The percentiles are
     * lifetime figures for a person to read; a window is judged from {@code latencyBuckets} and
     * {@code latencySumMicros}, which subtract.
     *
     * @param latencyBucketBounds {@link #BUCKET_BOUNDS_SECONDS}, sent along so that a reader never assumes them
     * @param latencyBuckets cumulative counts of responses at or below each of {@link #BUCKET_BOUNDS_SECONDS},
     *     then one more for {@code +Inf} (all of them)
     */
    public record Snapshot(String version, long requests, long responses1xx, long responses2xx, long responses3xx,
                           long responses4xx, long responses5xx, long retries, long inFlight, long latencyCount,
                           long p50Micros, long p90Micros, long p99Micros, long p999Micros, long maxMicros,
                           double meanMicros, long latencySumMicros, List<Double> latencyBucketBounds,
                           List<Long> latencyBuckets) {
        public Snapshot {
            latencyBucketBounds = List.copyOf(latencyBucketBounds);
            latencyBuckets = List.copyOf(latencyBuckets);
        }
    }
}
