package dev.baton.sample;

import java.time.Duration;
import java.util.Map;

/**
 * How the sample app is told to misbehave, from {@code SAMPLE_*} environment variables; see
 * {@link SampleApp} for what each does. All off by default.
 *
 * @param errorRate fraction 0..1 of {@code GET /hello} answered 500
 * @param latency added to every request except the health probes
 * @param startDelay how long after start the app becomes ready
 * @param neverReady readiness stays 503 and the worker never starts
 * @param crashAfter the process exits with 1 after this long; {@code null} for never
 * @param jobFailRate fraction 0..1 of {@code sample.work} jobs whose handler throws
 * @param jobDuration how long a job sleeps when its payload has no {@code ms}
 */
public record Misbehaviour(double errorRate, Duration latency, Duration startDelay, boolean neverReady,
                           Duration crashAfter, double jobFailRate, Duration jobDuration) {

    /** Longest latency, start delay or crash time accepted, in milliseconds (one hour). */
    static final long MAX_MS = 3_600_000;

    public Misbehaviour {
        if (!(errorRate >= 0 && errorRate <= 1)) {
            throw new IllegalArgumentException("SAMPLE_ERROR_RATE: must be a fraction within 0..1, got " + errorRate);
        }
        if (!(jobFailRate >= 0 && jobFailRate <= 1)) {
            throw new IllegalArgumentException("SAMPLE_JOB_FAIL_RATE: must be a fraction within 0..1, got "
                    + jobFailRate);
        }
        requireMillis("SAMPLE_LATENCY_MS", latency, 0);
        requireMillis("SAMPLE_START_DELAY_MS", startDelay, 0);
        requireMillis("SAMPLE_JOB_MS", jobDuration, 0);
        if (crashAfter != null) {
            requireMillis("SAMPLE_CRASH_AFTER_MS", crashAfter, 1);
        }
    }

    /** A well-behaved app whose jobs take 50 ms. */
    public static Misbehaviour none() {
        return new Misbehaviour(0, Duration.ZERO, Duration.ZERO, false, null, 0, Duration.ofMillis(50));
    }

    /**
     * Reads the {@code SAMPLE_*} variables.
     *
     * @throws IllegalArgumentException naming the variable and its allowed range
     */
    public static Misbehaviour fromEnvironment(Map<String, String> env) {
        Misbehaviour d = none();
        return new Misbehaviour(
                has(env, "SAMPLE_ERROR_RATE") ? SettingText.fraction("SAMPLE_ERROR_RATE", env.get("SAMPLE_ERROR_RATE"))
                        : d.errorRate(),
                has(env, "SAMPLE_LATENCY_MS") ? ms(env, "SAMPLE_LATENCY_MS", 0) : d.latency(),
                has(env, "SAMPLE_START_DELAY_MS") ? ms(env, "SAMPLE_START_DELAY_MS", 0) : d.startDelay(),
                has(env, "SAMPLE_NEVER_READY") && SettingText.bool("SAMPLE_NEVER_READY", env.get("SAMPLE_NEVER_READY")),
                has(env, "SAMPLE_CRASH_AFTER_MS") ? ms(env, "SAMPLE_CRASH_AFTER_MS", 1) : null,
                has(env, "SAMPLE_JOB_FAIL_RATE")
                        ? SettingText.fraction("SAMPLE_JOB_FAIL_RATE", env.get("SAMPLE_JOB_FAIL_RATE"))
                        : d.jobFailRate(),
                has(env, "SAMPLE_JOB_MS") ? ms(env, "SAMPLE_JOB_MS", 0) : d.jobDuration());
    }

    private static boolean has(Map<String, String> env, String name) {
        String v = env.get(name);
        return v != null && !v.isBlank();
    }

    private static Duration ms(Map<String, String> env, String name, long min) {
        return Duration.ofMillis(SettingText.millis(name, env.get(name), min, MAX_MS));
    }

    private static void requireMillis(String name, Duration d, long min) {
        if (d == null || d.toMillis() < min || d.toMillis() > MAX_MS) {
            throw new IllegalArgumentException(name + ": must be within " + min + ".." + MAX_MS + " ms, got " + d);
        }
    }
}
