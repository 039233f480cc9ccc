package dev.baton.rollout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rolling update: replaces instances a few at a time, never more than {@code max_surge} above the desired
 * count, never more than {@code max_unavailable} below it, counting a new instance as available only once
 * it has been ready for {@code min_ready}. Traffic weights follow the ready instances, so every ready
 * instance gets an even share. Rolling back is the same walk towards the stable version.
 */
public final class RollingStrategy implements Strategy {
    private final RollingSpec spec;

    public RollingStrategy(RollingSpec spec) {
        this.spec = spec;
    }

    @Override
    public Step next(RolloutState s) {
        Optional<Step> common = Decisions.common(s);
        if (common.isPresent()) {
            return common.get();
        }
        if (s.phase() == RolloutPhase.PROGRESSING) {
            return converge(s, s.targetVersion(), spec).orElse(new Step.Done(RolloutPhase.SUCCEEDED));
        }
        return rollBack(s, spec);
    }

    /** Rolling back: walk back to the stable version (or stop everything on a first deploy), then re-queue failed jobs. */
    static Step rollBack(RolloutState s, RollingSpec spec) {
        if (s.stableVersion() == null) {
            List<String> all = s.live().stream().map(InstanceView::id).toList();
            if (!all.isEmpty()) {
                return new Step.DrainAndStop(all, "rolled back: " + s.reason());
            }
        } else {
            Optional<Step> step = converge(s, s.stableVersion(), spec);
            if (step.isPresent()) {
                return step.get();
            }
        }
        if (s.spec().hasWorker() && !s.failedJobsRetried()) {
            return new Step.RetryFailedJobs(s.targetVersion(), s.startedAt());
        }
        return new Step.Done(RolloutPhase.ROLLED_BACK);
    }

    /** The next step that moves every instance to {@code target}; empty once all desired instances of it are available. */
    static Optional<Step> converge(RolloutState s, String target, RollingSpec spec) {
        int n = s.spec().instances();
        int surge = spec.maxSurge().resolve(n, true);
        int unavailable = spec.maxUnavailable().resolve(n, false);
        if (s.spec().hasWorker() && !s.jobShares().isEmpty()) {
            return Optional.of(new Step.SetJobShares(Map.of()));
        }
        List<InstanceView> live = s.live();
        List<InstanceView> fresh = live.stream().filter(i -> i.version().equals(target)).toList();
        List<InstanceView> old = live.stream().filter(i -> !i.version().equals(target))
                .sorted(Comparator.comparing((InstanceView i) -> i.instance().startedAt()).thenComparing(InstanceView::id))
                .toList();
        Instant now = s.now();
        List<InstanceView> freshAvailable = fresh.stream().filter(i -> available(i, spec.minReady(), now)).toList();
        long oldReady = old.stream().filter(InstanceView::ready).count();

        // Old instances to take away now: those not ready, plus as many ready ones as availability allows.
        long canRemoveReady = Math.max(0, freshAvailable.size() + oldReady - (n - unavailable));
        List<InstanceView> remove = new ArrayList<>(old.stream().filter(i -> !i.ready()).toList());
        old.stream().filter(InstanceView::ready).limit(canRemoveReady).forEach(remove::add);

        Map<String, Integer> readyCounts = new LinkedHashMap<>();
        for (InstanceView i : live) {
            if (i.ready() && !remove.contains(i)) {
                readyCounts.merge(i.version(), 1, Integer::sum);
            }
        }
        Map<String, Integer> weights = Decisions.proportional(readyCounts);
        if (!weights.isEmpty() && !weights.equals(s.weights())) {
            return Optional.of(new Step.SetWeights(weights));
        }
        if (!remove.isEmpty()) {
            return Optional.of(new Step.DrainAndStop(remove.stream().map(InstanceView::id).toList(),
                    "replaced by " + target));
        }
        int start = Math.min(n + surge - live.size(), n - fresh.size());
        if (start > 0) {
            return Optional.of(new Step.StartInstances(target, start));
        }
        if (fresh.stream().anyMatch(i -> !i.ready())) {
            return Optional.of(Decisions.awaitReady(s, target, fresh.size()));
        }
        if (freshAvailable.size() < fresh.size()) {
            Instant soonest = fresh.stream().filter(i -> !available(i, spec.minReady(), now))
                    .map(i -> i.readySince().plus(spec.minReady())).min(Comparator.naturalOrder()).orElseThrow();
            return Optional.of(new Step.Pause(Duration.between(now, soonest), "min_ready"));
        }
        if (!old.isEmpty() || fresh.size() < n) {
            // Cannot happen with max_surge + max_unavailable > 0; wait rather than spin.
            return Optional.of(Decisions.awaitReady(s, target, n));
        }
        return Optional.empty();
    }

    private static boolean available(InstanceView i, Duration minReady, Instant now) {
        return i.ready() && !i.readySince().plus(minReady).isAfter(now);
    }
}
