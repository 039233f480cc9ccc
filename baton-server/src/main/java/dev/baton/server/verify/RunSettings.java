package dev.baton.server.verify;

import java.time.Duration;

/**
 * How hard and how long each scenario runs.
 *
 * @param httpRate {@code GET /hello} per second
 * @param jobRate jobs enqueued per second
 * @param jobMs how long each job works
 * @param slowRate {@code GET /slow} per second, for the scenarios that need requests inside an instance
 * @param slowMs how long each slow request takes
 * @param settle load before and after each deploy (the "outside deploys" latency)
 * @param deployTimeout the longest a deploy may take
 * @param jobsDeadline after the load stops, how long the queue has to finish every job
 */
public record RunSettings(int httpRate, int jobRate, long jobMs, int slowRate, long slowMs, Duration settle,
                          Duration deployTimeout, Duration jobsDeadline) {

    public RunSettings {
        if (httpRate < 1 || jobRate < 1 || slowRate < 1) {
            throw new IllegalArgumentException("rates: must be at least 1 per second");
        }
        if (jobMs < 0 || slowMs < 0) {
            throw new IllegalArgumentException("jobMs, slowMs: must not be negative");
        }
    }

    /** The settings for {@code --rate} requests per second, short or long. */
    public static RunSettings of(int httpRate, boolean quick) {
        return new RunSettings(httpRate, quick ? 10 : 20, 300, 8, 500, Duration.ofSeconds(quick ? 2 : 5),
                Duration.ofMinutes(quick ? 3 : 10), Duration.ofMinutes(2));
    }
}
