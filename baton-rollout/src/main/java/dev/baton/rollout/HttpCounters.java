package dev.baton.rollout;

import java.time.Duration;
import java.util.List;

/**
 * One version's HTTP counters as the proxy keeps them: cumulative since it began routing to the version,
 * as Prometheus counters are. A window is the difference of two readings ({@link #since}); the canary
 * analysis judges the window of its step, never the version's lifetime.
 *
 * @param requests requests received
 * @param errors responses with status 5xx
 * @param bucketBounds upper bounds of the latency buckets, ascending
 * @param buckets cumulative counts of responses at or below each bound, one per bound
 * @param responses every response with a latency (the {@code +Inf} bucket)
 */
public record HttpCounters(long requests, long errors, List<Duration> bucketBounds, List<Long> buckets,
                           long responses) {
    public static final HttpCounters NONE = new HttpCounters(0, 0, List.of(), List.of(), 0);

    public HttpCounters {
        bucketBounds = List.copyOf(bucketBounds);
        buckets = List.copyOf(buckets);
        if (bucketBounds.size() != buckets.size()) {
            throw new IllegalArgumentException("http counters: " + buckets.size() + " buckets for "
                    + bucketBounds.size() + " bounds");
        }
        if (requests < 0 || errors < 0 || responses < 0) {
            throw new IllegalArgumentException("http counters: counts must be >= 0");
        }
    }

    /**
     * What the version served after {@code baseline} was read (everything, when there is no baseline). A
     * counter that went down means the proxy restarted: the window then counts from zero, as Prometheus'
     * {@code rate()} does.
     */
    public HttpStats since(HttpCounters baseline) {
        HttpCounters b = baseline == null || resetSince(baseline) ? NONE : baseline;
        long req = requests - b.requests;
        long err = Math.min(req, Math.max(0, errors - b.errors));
        long resp = responses - b.responses;
        long[] window = new long[buckets.size()];
        for (int i = 0; i < window.length; i++) {
            window[i] = buckets.get(i) - (b.buckets.isEmpty() ? 0 : b.buckets.get(i));
        }
        return new HttpStats(req, err, quantile(0.99, window, resp));
    }

    private boolean resetSince(HttpCounters b) {
        return requests < b.requests || responses < b.responses || errors < b.errors
                || !b.bucketBounds.isEmpty() && !b.bucketBounds.equals(bucketBounds);
    }

    /**
     * The {@code q} quantile of a window's cumulative buckets, interpolated linearly inside the bucket it falls
     * in (Prometheus' {@code histogram_quantile}); the highest finite bound when it falls beyond it; null
     * without responses.
     */
    private Duration quantile(double q, long[] cumulative, long total) {
        if (total <= 0 || cumulative.length == 0) {
            return null;
        }
        double rank = q * total;
        long below = 0;
        Duration lower = Duration.ZERO;
        for (int i = 0; i < cumulative.length; i++) {
            if (cumulative[i] >= rank) {
                long inBucket = cumulative[i] - below;
                double fraction = inBucket == 0 ? 1 : (rank - below) / inBucket;
                long span = bucketBounds.get(i).minus(lower).toNanos();
                return lower.plusNanos(Math.round(span * fraction));
            }
            below = cumulative[i];
            lower = bucketBounds.get(i);
        }
        return bucketBounds.getLast();
    }
}
