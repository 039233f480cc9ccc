package dev.baton.server.verify;

import static dev.baton.server.verify.FaultKind.CANARY_ERRORS;
import static dev.baton.server.verify.FaultKind.CANARY_JOB_FAILURES;
import static dev.baton.server.verify.FaultKind.CONTROL_PLANE_RESTART;
import static dev.baton.server.verify.FaultKind.DATABASE_RESTART;
import static dev.baton.server.verify.FaultKind.LEADER_KILL;
import static dev.baton.server.verify.FaultKind.POD_FORCE_DELETE;
import static dev.baton.server.verify.FaultKind.PROXY_KILL;
import static dev.baton.server.verify.FaultKind.NEVER_READY;
import static dev.baton.server.verify.FaultKind.SLOW_TERM;
import static dev.baton.server.verify.FaultKind.WEB_KILL;
import static dev.baton.server.verify.FaultKind.WORKER_KILL;

import java.util.ArrayList;
import java.util.List;

/** The scenarios {@code baton verify} runs, chosen from its options. */
public final class Scenarios {

    private Scenarios() {}

    /** Every fault once, spread over the three strategies: what {@code --quick} runs. */
    public static List<Scenario> quick() {
        return List.of(
                Scenario.of("rolling", WORKER_KILL),
                Scenario.of("blue-green", WEB_KILL),
                Scenario.of("canary", CANARY_ERRORS),
                Scenario.of("rolling", SLOW_TERM),
                Scenario.of("canary", CONTROL_PLANE_RESTART),
                Scenario.of("canary", CANARY_JOB_FAILURES),
                Scenario.of("rolling", NEVER_READY),
                Scenario.of("blue-green", DATABASE_RESTART));
    }

    /**
     * The part of {@link #quick()} the test command runs: each strategy; a worker and a web instance
     * SIGKILLed; SIGTERM with slow requests inside; the control plane killed mid-rollout; a canary failing
     * requests and one failing jobs, both rolled back; PostgreSQL restarted mid-deploy. Left to
     * {@code baton verify --quick}: the version that never gets ready (it waits out the stage's 90 s progress
     * deadline).
     */
    public static List<Scenario> ci() {
        List<Scenario> quick = quick();
        List<Scenario> ci = new ArrayList<>(quick.subList(0, 6));
        ci.add(quick.get(7));
        return List.copyOf(ci);
    }

    /**
     * What {@code --kubernetes --quick} runs, Baton itself as pods: a canary whose leading control plane is killed at
     * its pause (a standby finishes it), and a rolling deploy during which a proxy replica is killed and an app pod
     * force-deleted.
     */
    public static List<Scenario> kubernetesQuick() {
        return List.of(
                Scenario.of("canary", LEADER_KILL),
                Scenario.of("rolling", PROXY_KILL, POD_FORCE_DELETE));
    }

    /**
     * What {@code --kubernetes} runs: a healthy deploy per strategy, each Kubernetes fault on its own, and the faults of
     * the new version (a canary failing requests, one failing jobs) with Baton as pods.
     */
    public static List<Scenario> kubernetesFull() {
        List<Scenario> all = new ArrayList<>();
        Scenario.STRATEGIES.forEach(s -> all.add(Scenario.of(s)));
        all.add(Scenario.of("canary", LEADER_KILL));
        all.add(Scenario.of("rolling", PROXY_KILL));
        all.add(Scenario.of("blue-green", POD_FORCE_DELETE));
        all.add(Scenario.of("canary", CANARY_ERRORS));
        all.add(Scenario.of("canary", CANARY_JOB_FAILURES));
        return List.copyOf(all);
    }

    /** A healthy deploy per strategy, then {@link #quick()}, then faults together. */
    public static List<Scenario> full() {
        List<Scenario> all = new ArrayList<>();
        Scenario.STRATEGIES.forEach(s -> all.add(Scenario.of(s)));
        all.addAll(quick());
        all.add(Scenario.of("rolling", WORKER_KILL, WEB_KILL, CONTROL_PLANE_RESTART));
        all.add(Scenario.of("canary", CANARY_JOB_FAILURES, DATABASE_RESTART));
        return List.copyOf(all);
    }

    /**
     * The scenarios for the options: with {@code --faults}, each listed fault (or none) on each chosen
     * strategy it applies to (the canary faults need a canary); otherwise the quick or the full set,
     * restricted to the chosen strategies.
     */
    public static List<Scenario> select(VerifyOptions o) {
        if (o.faults() == null) {
            List<Scenario> standard = o.kubernetes() ? (o.quick() ? kubernetesQuick() : kubernetesFull())
                    : o.quick() ? quick() : full();
            return standard.stream().filter(s -> o.strategies().contains(s.strategy())).toList();
        }
        List<Scenario> out = new ArrayList<>();
        for (String strategy : o.strategies()) {
            if (o.faults().isEmpty()) {
                out.add(Scenario.of(strategy));
            }
            for (FaultKind k : o.faults()) {
                if (appliesTo(k, strategy)) {
                    out.add(Scenario.of(strategy, k));
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--faults: " + o.faults().stream().map(FaultKind::option).toList()
                    + " need the canary strategy, but --strategy chose " + o.strategies());
        }
        return List.copyOf(out);
    }

    static boolean appliesTo(FaultKind k, String strategy) {
        return strategy.equals("canary") || (k != CANARY_ERRORS && k != CANARY_JOB_FAILURES);
    }
}
