package dev.baton.proxy;

import java.time.Duration;

/**
 * Active health check: every {@code interval} the proxy sends {@code GET path} to each backend; a
 * 2xx or 3xx answer within {@code timeout} is a success. {@code rise} consecutive successes make a
 * backend READY, {@code fall} consecutive failures make it FAILED.
 */
public record HealthCheck(String path, Duration interval, Duration timeout, int rise, int fall) {

    public HealthCheck {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("healthCheck.path: must start with '/', was " + path);
        }
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("healthCheck.interval: must be positive, was " + interval);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("healthCheck.timeout: must be positive, was " + timeout);
        }
        if (rise < 1) {
            throw new IllegalArgumentException("healthCheck.rise: must be at least 1, was " + rise);
        }
        if (fall < 1) {
            throw new IllegalArgumentException("healthCheck.fall: must be at least 1, was " + fall);
        }
    }

    /** {@code GET /health} every 2 s, 1 s timeout, rise 2, fall 3. */
    public static HealthCheck defaults() {
        return new HealthCheck("/health", Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 3);
    }

    /** The same check against another path, e.g. the app spec's {@code web.readiness}. */
    public HealthCheck withPath(String newPath) {
        return new HealthCheck(newPath, interval, timeout, rise, fall);
    }

    /**
     * The state a backend moves to after a check, given its consecutive successes and failures
     * (this check included). Draining and stopped backends are never moved by checks.
     */
    BackendState next(BackendState current, int successes, int failures) {
        if (!current.recoverable()) {
            return current;
        }
        if (successes >= rise) {
            return BackendState.READY;
        }
        if (failures >= fall && current == BackendState.READY) {
            return BackendState.FAILED;
        }
        return current;
    }
}
