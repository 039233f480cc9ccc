package dev.baton.rollout;

import dev.baton.common.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decisions every strategy makes the same way: terminal states, abort, a crash loop (instances exiting before they
 * are ready), crashed instances, deadlines, weights.
 */
final class Decisions {
    private Decisions() {}

    /** The step that comes before any strategy-specific one, if any. */
    static Optional<Step> common(RolloutState s) {
        if (s.phase().terminal()) {
            return Optional.of(new Step.Done(s.phase()));
        }
        if (s.phase() == RolloutPhase.PROGRESSING && s.abortReason() != null) {
            return Optional.of(new Step.Rollback("aborted: " + s.abortReason()));
        }
        if (s.phase() == RolloutPhase.PROGRESSING && s.startFailures() >= s.spec().maxStartFailures()) {
            return Optional.of(new Step.Rollback(s.startFailures() + " instances in a row exited before they were ready "
                    + "(max_start_failures " + s.spec().maxStartFailures() + "); the last: " + s.lastStartFailure()));
        }
        List<InstanceView> failed = s.failed();
        if (!failed.isEmpty()) {
            return Optional.of(new Step.DrainAndStop(failed.stream().map(InstanceView::id).toList(), "failed"));
        }
        return Optional.empty();
    }

    /** How a first deploy (no stable version yet) rolls out whatever the strategy: all at once, never below zero. */
    static final RollingSpec FIRST_DEPLOY = new RollingSpec(Amount.percent(100), Amount.of(0), Duration.ZERO);

    /**
     * What blue-green and canary decide before their own steps: the {@link #common} decisions; a first deploy
     * has nothing to compare against, so it rolls out (or back) as a plain rolling deploy; and rolling back
     * returns to the stable version. Empty when the strategy's own steps apply.
     */
    static Optional<Step> beforeStrategy(RolloutState s) {
        Optional<Step> common = common(s);
        if (common.isPresent()) {
            return common;
        }
        if (s.stableVersion() == null) {
            return Optional.of(s.phase() == RolloutPhase.PROGRESSING
                    ? RollingStrategy.converge(s, s.targetVersion(), FIRST_DEPLOY).orElse(new Step.Done(RolloutPhase.SUCCEEDED))
                    : RollingStrategy.rollBack(s, FIRST_DEPLOY));
        }
        if (s.phase() == RolloutPhase.ROLLING_BACK) {
            return Optional.of(BackToStable.next(s));
        }
        return Optional.empty();
    }

    static Instant deadline(RolloutState s) {
        return s.progressAt().plus(s.spec().progressDeadline());
    }

    /** Waiting for {@code count} ready instances of {@code version}: roll back when the progress deadline has passed. */
    static Step awaitReady(RolloutState s, String version, int count) {
        if (s.phase() == RolloutPhase.PROGRESSING && !s.now().isBefore(deadline(s))) {
            return new Step.Rollback("progress deadline " + Durations.format(s.spec().progressDeadline())
                    + " passed: " + s.ready(version).size() + " of " + count + " instances of " + version + " ready");
        }
        Instant deadline = s.phase() == RolloutPhase.PROGRESSING ? deadline(s)
                : s.now().plus(s.spec().progressDeadline());
        return new Step.AwaitReady(version, count, deadline);
    }

    /** Percent per version proportional to counts (largest remainder, summing to 100); zero counts left out. */
    static Map<String, Integer> proportional(Map<String, Integer> counts) {
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        Map<String, Integer> out = new LinkedHashMap<>();
        if (total == 0) {
            return out;
        }
        int assigned = 0;
        Map<String, Double> remainders = new LinkedHashMap<>();
        for (var e : counts.entrySet()) {
            if (e.getValue() == 0) {
                continue;
            }
            double exact = 100.0 * e.getValue() / total;
            out.put(e.getKey(), (int) Math.floor(exact));
            remainders.put(e.getKey(), exact - Math.floor(exact));
            assigned += (int) Math.floor(exact);
        }
        List<String> byRemainder = remainders.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).map(Map.Entry::getKey).toList();
        for (int i = 0; assigned < 100; i++, assigned++) {
            out.merge(byRemainder.get(i % byRemainder.size()), 1, Integer::sum);
        }
        return out;
    }

    /** Two-version split: stable gets the rest of canary's percent. */
    static Map<String, Integer> split(String stable, String canary, int canaryPercent) {
        return Step.split(stable, 100 - canaryPercent, canary, canaryPercent);
    }
}
