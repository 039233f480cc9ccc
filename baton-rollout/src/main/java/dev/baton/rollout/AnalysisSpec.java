package dev.baton.rollout;

import java.time.Duration;

/**
 * Canary analysis thresholds. Rates are fractions 0..1 (the spec writes them as percentages); a null
 * threshold is not checked. Below {@code minRequests} HTTP requests (or job attempts) a metric is inconclusive.
 */
public record AnalysisSpec(Duration interval, Double maxErrorRate, Duration maxP99, Double maxJobFailureRate,
                           int minRequests) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final int DEFAULT_MIN_REQUESTS = 50;

    public AnalysisSpec {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("strategy.analysis.interval: must be a duration > 0, got " + interval);
        }
        requireRate("strategy.analysis.max_error_rate", maxErrorRate);
        requireRate("strategy.analysis.max_job_failure_rate", maxJobFailureRate);
        if (maxP99 != null && maxP99.isNegative()) {
            throw new IllegalArgumentException("strategy.analysis.max_p99: must be a duration >= 0, got " + maxP99);
        }
        if (minRequests < 0) {
            throw new IllegalArgumentException("strategy.analysis.min_requests: must be >= 0, got " + minRequests);
        }
    }

    private static void requireRate(String field, Double r) {
        if (r != null && (r < 0 || r > 1 || r.isNaN())) {
            throw new IllegalArgumentException(field + ": must be 0%..100%, got " + r * 100 + "%");
        }
    }
}
