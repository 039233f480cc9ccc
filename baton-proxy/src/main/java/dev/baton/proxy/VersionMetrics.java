package dev.baton.proxy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * Counters of one version: requests, responses by status class, retries, in flight, and a latency
 * histogram. Recording is lock-free and uncontended: adders, and one HdrHistogram
 * {@link SingleWriterRecorder} per recording thread (the event loops), so two loops never fight over
 * one cache line per response; only {@link #snapshot()} synchronizes, on the reader side.
 */
public final class VersionMetrics {

    private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final String version;
    private final LongAdder requests = new LongAdder();
    private final LongAdder[] byClass = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(),
            new LongAdder()};
    private final LongAdder retries = new LongAdder();
    private final LongAdder inFlight = new LongAdder();
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
        recorder.get().recordValue(Math.min(MAX_MICROS, Math.max(0, nanos / 1000)));
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
                total.getValueAtPercentile(99.9), total.getMaxValue(), total.getTotalCount() == 0 ? 0 : total.getMean());
    }

    /**
     * Counters of one version since the proxy started. Latencies are in microseconds.
     */
    public record Snapshot(String version, long requests, long responses1xx, long responses2xx, long responses3xx,
                           long responses4xx, long responses5xx, long retries, long inFlight, long latencyCount,
                           long p50Micros, long p90Micros, long p99Micros, long p999Micros, long maxMicros,
                           double meanMicros) {
    }
}
