package dev.baton.proof;

import java.time.Duration;

/**
 * What a {@link JobLoad} enqueues.
 *
 * @param ratePerSecond jobs per second on a fixed timeline, 0.1..10000
 * @param jobMs the {@code ms} each payload asks the handler to work, 0..3600000
 * @param keyPrefix prefix of each job's key (its payload key and its unique key); a sequence number follows
 * @param kind the job kind, {@code sample.work} by default
 * @param progressEvery how often a progress line is printed; zero for none
 */
public record JobLoadConfig(double ratePerSecond, long jobMs, String keyPrefix, String kind, Duration progressEvery) {

    public static final String SAMPLE_KIND = "sample.work";

    public JobLoadConfig {
        if (!(ratePerSecond >= 0.1 && ratePerSecond <= 10_000)) {
            throw new IllegalArgumentException("ratePerSecond: must be within 0.1..10000, got " + ratePerSecond);
        }
        if (jobMs < 0 || jobMs > 3_600_000) {
            throw new IllegalArgumentException("jobMs: must be within 0..3600000, got " + jobMs);
        }
        if (keyPrefix == null || !keyPrefix.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("keyPrefix: must be 1..64 of A-Z a-z 0-9 . _ -, got '" + keyPrefix
                    + "'");
        }
        if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("kind: must not be empty");
        }
        if (progressEvery == null || progressEvery.isNegative()) {
            throw new IllegalArgumentException("progressEvery: must be zero or positive, got " + progressEvery);
        }
    }

    /** {@code rate} {@code sample.work} jobs per second of {@code jobMs} each, a random key prefix. */
    public static JobLoadConfig of(double rate, long jobMs) {
        return new JobLoadConfig(rate, jobMs, "j" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36),
                SAMPLE_KIND, Duration.ofSeconds(5));
    }

    public JobLoadConfig withKeyPrefix(String p) {
        return new JobLoadConfig(ratePerSecond, jobMs, p, kind, progressEvery);
    }

    public JobLoadConfig withProgressEvery(Duration d) {
        return new JobLoadConfig(ratePerSecond, jobMs, keyPrefix, kind, d);
    }
}
