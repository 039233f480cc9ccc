package dev.baton.proof;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * What an {@link HttpLoad} sends.
 *
 * @param target the URL every request GETs, e.g. {@code http://127.0.0.1:8080/hello}
 * @param ratePerSecond requests per second on a fixed timeline, 0.1..100000
 * @param timeout a request without an answer after this long is UNKNOWN (100ms..10m)
 * @param idPrefix prefix of each {@code X-Request-Id}; the request's sequence number follows
 * @param progressEvery how often a progress line is printed; zero for none
 */
public record HttpLoadConfig(URI target, double ratePerSecond, Duration timeout, String idPrefix,
                             Duration progressEvery) {

    public HttpLoadConfig {
        Objects.requireNonNull(target, "target");
        if (!"http".equals(target.getScheme()) || target.getHost() == null) {
            throw new IllegalArgumentException("target: must be an http:// URL with a host, got " + target);
        }
        if (!(ratePerSecond >= 0.1 && ratePerSecond <= 100_000)) {
            throw new IllegalArgumentException("ratePerSecond: must be within 0.1..100000, got " + ratePerSecond);
        }
        if (timeout == null || timeout.compareTo(Duration.ofMillis(100)) < 0
                || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("timeout: must be within 100ms..10m, got " + timeout);
        }
        if (idPrefix == null || idPrefix.isBlank() || !idPrefix.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("idPrefix: must be 1..64 of A-Z a-z 0-9 . _ -, got '" + idPrefix + "'");
        }
        if (progressEvery == null || progressEvery.isNegative()) {
            throw new IllegalArgumentException("progressEvery: must be zero or positive, got " + progressEvery);
        }
    }

    /** {@code rate} requests per second to {@code target}, 5 s timeout, a random id prefix, progress every 5 s. */
    public static HttpLoadConfig of(URI target, double rate) {
        return new HttpLoadConfig(target, rate, Duration.ofSeconds(5),
                "r" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36), Duration.ofSeconds(5));
    }

    public HttpLoadConfig withTimeout(Duration t) {
        return new HttpLoadConfig(target, ratePerSecond, t, idPrefix, progressEvery);
    }

    public HttpLoadConfig withIdPrefix(String p) {
        return new HttpLoadConfig(target, ratePerSecond, timeout, p, progressEvery);
    }

    public HttpLoadConfig withProgressEvery(Duration d) {
        return new HttpLoadConfig(target, ratePerSecond, timeout, idPrefix, d);
    }
}
