package dev.baton.rollout;

import dev.baton.common.Durations;
import java.time.Duration;

/**
 * How an instance is taken away: {@code timeout} bounds the wait for in-flight requests after it is out
 * of routing; after SIGTERM a worker finishes held jobs until {@code jobsSoft} and releases the rest by
 * {@code jobsHard}; SIGKILL comes only after {@link #killAfter()}.
 */
public record DrainSpec(Duration timeout, Duration jobsSoft, Duration jobsHard) {
    /** Margin after {@code jobsHard} before SIGKILL, so a worker releasing its jobs is not cut short. */
    public static final Duration KILL_MARGIN = Duration.ofSeconds(5);

    public DrainSpec {
        requireNonNegative("drain.timeout", timeout);
        requireNonNegative("drain.jobs_soft", jobsSoft);
        requireNonNegative("drain.jobs_hard", jobsHard);
        if (jobsHard.compareTo(jobsSoft) < 0) {
            throw new IllegalArgumentException("drain.jobs_hard: must be >= drain.jobs_soft ("
                    + Durations.format(jobsSoft) + "), got " + Durations.format(jobsHard));
        }
    }

    public static DrainSpec defaults() {
        return new DrainSpec(Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(25));
    }

    /** Grace period between SIGTERM and SIGKILL: {@code jobsHard} plus {@link #KILL_MARGIN}. */
    public Duration killAfter() {
        return jobsHard.plus(KILL_MARGIN);
    }

    static void requireNonNegative(String field, Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(field + ": must be a duration >= 0, got " + d);
        }
    }
}
