package dev.baton.rollout;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The next thing a rollout does, decided by a {@link Strategy} as a value and carried out by the
 * {@link RolloutEngine}, which records each one as an event.
 */
public sealed interface Step {
    /** Start {@code count} more instances of {@code version}. */
    record StartInstances(String version, int count) implements Step {
        public StartInstances {
            if (count < 1) {
                throw new IllegalArgumentException("count: must be >= 1, got " + count);
            }
        }
    }

    /** Wait until {@code count} instances of {@code version} are ready, one fails, or the deadline passes. */
    record AwaitReady(String version, int count, Instant deadline) implements Step {}

    /** Publish traffic weights per version (percent, summing to 100). */
    record SetWeights(Map<String, Integer> weights) implements Step {
        public SetWeights {
            weights = ordered(weights);
            if (weights.values().stream().mapToInt(Integer::intValue).sum() != 100) {
                throw new IllegalArgumentException("weights: must sum to 100, got " + weights);
            }
        }
    }

    /** Publish job shares per version (percent, summing to 100); empty clears routing (every worker takes every job). */
    record SetJobShares(Map<String, Integer> shares) implements Step {
        public SetJobShares {
            shares = ordered(shares);
            if (!shares.isEmpty() && shares.values().stream().mapToInt(Integer::intValue).sum() != 100) {
                throw new IllegalArgumentException("shares: must sum to 100 or be empty, got " + shares);
            }
        }
    }

    /** Serve {@code version} on the preview port (null: nothing). */
    record SetPreview(String version) implements Step {}

    /** GET {@code path} through the preview; 2xx passes. */
    record SmokeCheck(String version, String path) implements Step {}

    /** Take instances away in the removal order: out of routing, in-flight requests finish, SIGTERM, SIGKILL after grace. */
    record DrainAndStop(List<String> instanceIds, String reason) implements Step {
        public DrainAndStop {
            instanceIds = List.copyOf(instanceIds);
        }
    }

    /** Hold for {@code duration}, or until promoted when {@code duration} is null (forever). Commands end it early. */
    record Pause(Duration duration, String reason) implements Step {
        public static Pause forever(String reason) {
            return new Pause(null, reason);
        }

        public boolean isForever() {
            return duration == null;
        }
    }

    /** Read per-version metrics and judge the canary against the thresholds (stable as reference). */
    record Analyse(String canary, String stable) implements Step {}

    /** Move on to canary step {@code toStep}. */
    record Advance(int toStep) implements Step {}

    /** The new version now takes all traffic: it is the stable one from here on. */
    record Promote() implements Step {}

    /** Put the jobs {@code version} failed since {@code since} back in the queue for the remaining version. */
    record RetryFailedJobs(String version, Instant since) implements Step {}

    /** Turn around: move back to the stable version. */
    record Rollback(String reason) implements Step {}

    /** Finished. */
    record Done(RolloutPhase outcome) implements Step {}

    /** Builds a weight or share map in the given order: version, percent, version, percent… */
    static Map<String, Integer> split(Object... versionPercent) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < versionPercent.length; i += 2) {
            m.put((String) versionPercent[i], (Integer) versionPercent[i + 1]);
        }
        return ordered(m);
    }

    private static Map<String, Integer> ordered(Map<String, Integer> m) {
        Map<String, Integer> copy = new LinkedHashMap<>(m);
        copy.forEach((v, p) -> {
            if (v == null || v.isBlank() || p == null || p < 0 || p > 100) {
                throw new IllegalArgumentException("weights." + v + ": must be 0..100, got " + p);
            }
        });
        return Collections.unmodifiableMap(copy);
    }
}
