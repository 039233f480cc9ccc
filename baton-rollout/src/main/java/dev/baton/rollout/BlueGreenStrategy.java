package dev.baton.rollout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Blue-green: a full set of the new (green) version starts beside the stable (blue) one, is put on the
 * preview port and smoke-checked, then takes all traffic and jobs in one swap — at once when
 * {@code auto_promote}, else on promote. Blue stays up for {@code scale_down_delay}, during which a
 * rollback is one route swap back.
 */
public final class BlueGreenStrategy implements Strategy {
    private static final RollingSpec FIRST_DEPLOY = new RollingSpec(Amount.percent(100), Amount.of(0), Duration.ZERO);
    private final BlueGreenSpec spec;

    public BlueGreenStrategy(BlueGreenSpec spec) {
        this.spec = spec;
    }

    @Override
    public Step next(RolloutState s) {
        Optional<Step> common = Decisions.common(s);
        if (common.isPresent()) {
            return common.get();
        }
        if (s.stableVersion() == null) {
            return s.phase() == RolloutPhase.PROGRESSING
                    ? RollingStrategy.converge(s, s.targetVersion(), FIRST_DEPLOY).orElse(new Step.Done(RolloutPhase.SUCCEEDED))
                    : RollingStrategy.rollBack(s, FIRST_DEPLOY);
        }
        if (s.phase() == RolloutPhase.ROLLING_BACK) {
            return BackToStable.next(s);
        }
        if (Boolean.FALSE.equals(s.smokePassed())) {
            return new Step.Rollback("smoke check GET " + spec.smoke() + " on " + s.targetVersion() + " failed");
        }
        return s.promotedAt() == null ? beforeSwap(s) : afterSwap(s);
    }

    private Step beforeSwap(RolloutState s) {
        String blue = s.stableVersion();
        String green = s.targetVersion();
        int n = s.spec().instances();
        Map<String, Integer> allGreen = Step.split(green, 100);
        boolean swapped = allGreen.equals(s.weights());
        if (!swapped && s.spec().hasWorker() && !Step.split(blue, 100).equals(s.jobShares())) {
            return new Step.SetJobShares(Step.split(blue, 100));
        }
        int live = s.live(green).size();
        if (live < n) {
            return new Step.StartInstances(green, n - live);
        }
        if (s.ready(green).size() < n) {
            return Decisions.awaitReady(s, green, n);
        }
        if (spec.preview() != null && !green.equals(s.previewVersion())) {
            return new Step.SetPreview(green);
        }
        if (spec.smoke() != null && s.smokePassed() == null) {
            return new Step.SmokeCheck(green, spec.smoke());
        }
        if (!swapped && !spec.autoPromote() && !s.promoteRequested()) {
            return Step.Pause.forever(green + (spec.preview() == null ? " is ready"
                    : " is on the preview port " + spec.preview()) + ": waiting for 'baton promote'");
        }
        if (!swapped) {
            return new Step.SetWeights(allGreen);
        }
        if (s.spec().hasWorker() && !allGreen.equals(s.jobShares())) {
            return new Step.SetJobShares(allGreen);
        }
        return new Step.Promote();
    }

    private Step afterSwap(RolloutState s) {
        Instant scaleDown = s.promotedAt().plus(spec.scaleDownDelay());
        if (s.now().isBefore(scaleDown)) {
            return new Step.Pause(Duration.between(s.now(), scaleDown), "scale_down_delay: "
                    + s.stableVersion() + " kept for an instant rollback");
        }
        List<String> blue = s.live().stream().filter(i -> !i.version().equals(s.targetVersion()))
                .map(InstanceView::id).toList();
        if (!blue.isEmpty()) {
            return new Step.DrainAndStop(blue, "replaced by " + s.targetVersion());
        }
        if (s.previewVersion() != null) {
            return new Step.SetPreview(null);
        }
        if (s.spec().hasWorker() && !s.jobShares().isEmpty()) {
            return new Step.SetJobShares(Map.of());
        }
        return new Step.Done(RolloutPhase.SUCCEEDED);
    }
}
