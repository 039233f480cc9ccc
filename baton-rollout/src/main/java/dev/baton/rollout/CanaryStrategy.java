package dev.baton.rollout;

import dev.baton.common.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Canary: for each step, enough instances of the new version for its weight, then that weight of traffic
 * and the same share of jobs, then a hold (a duration, or until promoted) while the analysis watches.
 * A failing verdict rolls back at once. A step's pause ends only on a passing verdict: an inconclusive one
 * (too few requests or jobs yet) keeps the step, judged again every interval, until the progress deadline
 * rolls it back; a promote goes on regardless. After the last step (100) the old version is drained and
 * stopped.
 */
public final class CanaryStrategy implements Strategy {
    private final CanarySpec spec;

    public CanaryStrategy(CanarySpec spec) {
        this.spec = spec;
    }

    @Override
    public Step next(RolloutState s) {
        Optional<Step> before = Decisions.beforeStrategy(s);
        if (before.isPresent()) {
            return before.get();
        }
        if (s.lastVerdict() != null && s.lastVerdict().failed()) {
            return new Step.Rollback("analysis failed: " + s.lastVerdict().reason());
        }
        return s.stepIndex() < spec.steps().size() ? atStep(s) : finish(s);
    }

    private Step atStep(RolloutState s) {
        String stable = s.stableVersion();
        String canary = s.targetVersion();
        int i = s.stepIndex();
        CanaryStep step = spec.steps().get(i);
        int n = s.spec().instances();
        int need = Math.max(1, (n * step.weight() + 99) / 100);
        int live = s.live(canary).size();
        if (live < need) {
            return new Step.StartInstances(canary, need - live);
        }
        if (s.ready(canary).size() < need) {
            return Decisions.awaitReady(s, canary, need);
        }
        Map<String, Integer> split = Decisions.split(stable, canary, step.weight());
        if (!split.equals(s.weights())) {
            return new Step.SetWeights(split);
        }
        if (s.spec().hasWorker() && !split.equals(s.jobShares())) {
            return new Step.SetJobShares(split);
        }
        AnalysisSpec analysis = spec.analysis();
        Instant nextAnalysis = null;
        AnalysisVerdict verdict = s.lastVerdict();
        boolean judgedThisStep = verdict != null && !verdict.at().isBefore(s.stepSince());
        if (analysis != null && step.weight() > 0 && !step.pause().equals(PauseSpec.NONE)) {
            nextAnalysis = judgedThisStep ? verdict.at().plus(analysis.interval()) : s.now();
            if (!nextAnalysis.isAfter(s.now())) {
                return new Step.Analyse(canary, stable);
            }
        }
        String holding = "step " + (i + 1) + "/" + spec.steps().size() + " at " + step.weight() + "%";
        if (step.pause().forever()) {
            if (s.promoteRequested()) {
                return new Step.Advance(i + 1);
            }
            return nextAnalysis == null ? Step.Pause.forever(holding + ": waiting for promote")
                    : new Step.Pause(Duration.between(s.now(), nextAnalysis), holding + ": waiting for promote");
        }
        Instant end = s.stepSince().plus(step.pause().duration());
        if (s.promoteRequested()) {
            return new Step.Advance(i + 1);
        }
        if (!s.now().isBefore(end)) {
            if (nextAnalysis == null || verdict.outcome() == AnalysisVerdict.Outcome.PASS) {
                return new Step.Advance(i + 1);
            }
            // The pause is over but the analysis has not passed (too few requests or jobs yet): more
            // traffic is never taken on an inconclusive verdict. Keep judging; give up at the deadline.
            Instant deadline = Decisions.deadline(s);
            if (!s.now().isBefore(deadline)) {
                return new Step.Rollback("analysis not conclusive within the progress deadline "
                        + Durations.format(s.spec().progressDeadline()) + ": " + verdict.reason());
            }
            Instant wake = nextAnalysis.isBefore(deadline) ? nextAnalysis : deadline;
            return new Step.Pause(Duration.between(s.now(), wake),
                    holding + ": waiting for a conclusive analysis (" + verdict.reason() + ")");
        }
        Instant wake = nextAnalysis != null && nextAnalysis.isBefore(end) ? nextAnalysis : end;
        return new Step.Pause(Duration.between(s.now(), wake), holding);
    }

    private Step finish(RolloutState s) {
        if (s.promotedAt() == null) {
            return new Step.Promote();
        }
        List<String> old = s.live().stream().filter(i -> !i.version().equals(s.targetVersion()))
                .map(InstanceView::id).toList();
        if (!old.isEmpty()) {
            return new Step.DrainAndStop(old, "replaced by " + s.targetVersion());
        }
        Map<String, Integer> all = Step.split(s.targetVersion(), 100);
        if (!all.equals(s.weights())) {
            return new Step.SetWeights(all);
        }
        if (s.spec().hasWorker() && !s.jobShares().isEmpty()) {
            return new Step.SetJobShares(Map.of());
        }
        return new Step.Done(RolloutPhase.SUCCEEDED);
    }
}
