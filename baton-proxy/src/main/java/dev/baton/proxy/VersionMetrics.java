package dev.baton.proxy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counters of one version: requests, responses by status class, retries, in flight, and a latency
 * histogram. Recording is lock-free (adders and an HdrHistogram {@link Recorder}); only
 * {@link #snapshot()} synchronizes, on the reader side.
 */
public final class VersionMetrics {

    private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final String version;
    private final LongAdder requests = new LongAdder();
    private final LongAdder[] byClass = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(),
            new LongAdder()};
    private final LongAdder retries = new LongAdder();
    private final AtomicLong inFlight = new AtomicLong();
    private final Recorder recorder = new Recorder(MAX_MICROS, 3);
    private final Histogram total = new Histogram(MAX_MICROS, 3);
    private Histogram interval;

    VersionMetrics(String version) {
        this.version = version;
    }

    public String version() {
        return version;
    }

    void requestStarted() {
        requests.increment();
        inFlight.incrementAndGet();
    }

    /** A response went out with {@code status} after {@code nanos}. */
    void responded(int status, long nanos) {
        int c = status / 100;
        if (c >= 1 && c <= 5) {
            byClass[c - 1].increment();
        }
        recorder.recordValue(Math.min(MAX_MICROS, Math.max(0, nanos / 1000)));
    }

    void requestEnded() {
        inFlight.decrementAndGet();
    }

    void retried() {
        retries.increment();
    }

    /** A consistent-enough copy of the counters, with latency percentiles in microseconds. */
    public synchronized Snapshot snapshot() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        long[] classes = new long[5];
        for (int i = 0; i < 5; i++) {
            classes[i] = byClass[i].sum();
        }
        return new Snapshot(version, requests.sum(), classes[0], classes[1], classes[2], classes[3], classes[4],
                retries.sum(), inFlight.get(), total.getTotalCount(),
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
