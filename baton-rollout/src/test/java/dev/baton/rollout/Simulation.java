package dev.baton.rollout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A model world for strategy tests (pure: no processes, no proxy): applies each step to the state the
 * way the engine would when everything works — started instances become ready when awaited, pauses move
 * the clock — and records the steps, checking an invariant after each one.
 */
final class Simulation {
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private final Strategy strategy;
    RolloutState state;
    final List<Step> steps = new ArrayList<>();
    private int counter;
    Function<RolloutState, AnalysisVerdict.Outcome> analysis = s -> AnalysisVerdict.Outcome.PASS;
    boolean smokePasses = true;
    Predicate<RolloutState> invariant = s -> true;
    /** Called when the strategy pauses forever; return false to stop the run there. */
    Predicate<Simulation> onForever = sim -> false;

    Simulation(AppSpec spec, String stable, String target) {
        this.strategy = Strategy.of(spec);
        List<InstanceView> running = new ArrayList<>();
        if (stable != null) {
            for (int i = 0; i < spec.instances(); i++) {
                running.add(instance(stable, InstanceState.READY, T0.minusSeconds(3600)));
            }
        }
        state = RolloutState.start("r1", spec, stable, target, running, T0);
    }

    InstanceView instance(String version, InstanceState st, Instant readySince) {
        int n = ++counter;
        return new InstanceView(new Instance(version + "-" + n, version, "127.0.0.1", 40000 + n, 1000 + n,
                T0.plusMillis(n)), st, readySince);
    }

    Step next() {
        return strategy.next(state);
    }

    /** Runs until Done, a forever pause that {@link #onForever} declines, or {@code max} steps. */
    Step run(int max) {
        for (int i = 0; i < max; i++) {
            Step step = next();
            steps.add(step);
            if (step instanceof Step.Done) {
                return step;
            }
            if (step instanceof Step.Pause p && p.isForever() && !onForever.test(this)) {
                return step;
            }
            apply(step);
            if (!invariant.test(state)) {
                throw new AssertionError("invariant broken after " + step + ": " + state);
            }
        }
        throw new AssertionError("no end after " + max + " steps: " + steps.subList(Math.max(0, steps.size() - 10), steps.size()));
    }

    void advance(Duration d) {
        state = state.toBuilder().now(state.now().plus(d)).build();
    }

    void apply(Step step) {
        RolloutState s = state;
        RolloutState.Builder b = s.toBuilder();
        Instant now = s.now();
        switch (step) {
            case Step.StartInstances st -> {
                List<InstanceView> all = new ArrayList<>(s.instances());
                for (int i = 0; i < st.count(); i++) {
                    all.add(instance(st.version(), InstanceState.STARTING, null));
                }
                b.instances(all);
            }
            case Step.AwaitReady a -> {
                Instant later = now.plusSeconds(2);
                b.instances(s.instances().stream().map(i -> i.version().equals(a.version()) && i.state() == InstanceState.STARTING
                        ? i.with(InstanceState.READY, later) : i).toList()).now(later).progressAt(later);
            }
            case Step.SetWeights w -> b.weights(w.weights()).stepSince(now).progressAt(now);
            case Step.SetJobShares j -> b.jobShares(j.shares());
            case Step.SetPreview p -> b.previewVersion(p.version());
            case Step.SmokeCheck c -> b.smokePassed(smokePasses);
            case Step.DrainAndStop d -> b.instances(s.instances().stream().filter(i -> !d.instanceIds().contains(i.id())).toList())
                    .now(now.plusSeconds(1));
            case Step.Pause p -> b.now(p.isForever() ? now : now.plus(p.duration()));
            case Step.Analyse a -> b.lastVerdict(new AnalysisVerdict(analysis.apply(s), "simulated", now));
            case Step.Advance a -> b.stepIndex(a.toStep()).stepSince(now).progressAt(now).promoteRequested(false);
            case Step.Promote p -> b.promotedAt(now).progressAt(now).promoteRequested(false);
            case Step.RetryFailedJobs r -> b.failedJobsRetried(true);
            case Step.Rollback r -> b.phase(RolloutPhase.ROLLING_BACK).reason(r.reason());
            case Step.Done d -> b.phase(d.outcome());
        }
        state = b.build();
    }

    <T extends Step> List<T> stepsOf(Class<T> type) {
        return steps.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
