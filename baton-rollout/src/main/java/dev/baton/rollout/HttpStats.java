package dev.baton.rollout;

import java.time.Duration;

/**
 * HTTP traffic one version served in the window an analysis judges (see {@link HttpCounters#since}).
 *
 * @param errors responses with status 5xx (and requests that failed inside the proxy)
 * @param p99 99th-percentile latency, or null when unknown
 */
public record HttpStats(long requests, long errors, Duration p99) {
    public static final HttpStats NONE = new HttpStats(0, 0, null);

    public HttpStats {
        if (requests < 0 || errors < 0 || errors > requests) {
            throw new IllegalArgumentException("http stats: need 0 <= errors <= requests, got " + errors + "/" + requests);
        }
    }

    public double errorRate() {
        return requests == 0 ? 0 : (double) errors / requests;
    }
}
