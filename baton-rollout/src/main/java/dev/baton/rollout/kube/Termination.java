package dev.baton.rollout.kube;

import dev.baton.rollout.DrainSpec;
import java.time.Duration;

/**
 * How a pod is taken away on Kubernetes, in whole seconds as the API counts them (every part rounded up).
 *
 * <p>Kubernetes starts the preStop hook and removes the pod from the Service's endpoints at the same moment;
 * kube-proxy on every node and the ingress controllers learn of the removal asynchronously, so requests keep
 * arriving for a few seconds. The preStop sleep keeps the pod serving normally through that window. Then
 * SIGTERM: in-flight requests get {@code drain.timeout} while, in parallel, the worker finishes held jobs
 * ({@code jobs_soft}); then it interrupts and releases the rest ({@code jobs_hard}, counted after the soft
 * deadline, as the worker runtime counts it). The grace period is counted from the start of preStop, so
 * <pre>grace = preStop + max(drain.timeout, jobs_soft) + jobs_hard + margin</pre>
 * and SIGKILL never lands while the runtime is still inside a deadline it was given.
 *
 * @param preStopSeconds the preStop sleep (0: no hook)
 * @param firstPhaseSeconds {@code max(drain.timeout, jobs_soft)}
 * @param jobsHardSeconds {@code jobs_hard}
 * @param marginSeconds for JVM exit and the last release round-trips
 * @param graceSeconds {@code terminationGracePeriodSeconds}
 */
public record Termination(long preStopSeconds, long firstPhaseSeconds, long jobsHardSeconds, long marginSeconds,
                          long graceSeconds) {
    /** Liveness is probed this often; its failure threshold is derived from the grace period. */
    public static final int LIVENESS_PERIOD_SECONDS = 10;

    public Termination {
        if (graceSeconds < preStopSeconds + firstPhaseSeconds + jobsHardSeconds + marginSeconds) {
            throw new IllegalArgumentException("grace period " + graceSeconds + "s is shorter than preStop + drain");
        }
    }

    /** The budget for a drain section and a preStop delay. */
    public static Termination of(DrainSpec drain, Duration preStop) {
        long pre = ceilSeconds(preStop);
        long first = Math.max(ceilSeconds(drain.timeout()), ceilSeconds(drain.jobsSoft()));
        long hard = ceilSeconds(drain.jobsHard());
        long margin = ceilSeconds(DrainSpec.KILL_MARGIN);
        return new Termination(pre, first, hard, margin, pre + first + hard + margin);
    }

    /**
     * Liveness failures needed before a restart: enough that {@code threshold × period} outlasts the whole grace
     * period. Kubelets before 1.21 (and some later versions) kept probing liveness during termination; a draining
     * pod whose listener has closed must not be restarted halfway through releasing its jobs.
     */
    public int livenessFailureThreshold() {
        return (int) Math.max(3, graceSeconds / LIVENESS_PERIOD_SECONDS + 1);
    }

    /** The arithmetic, for a comment beside the manifest. */
    public String explain() {
        return "terminationGracePeriodSeconds " + graceSeconds + " = preStop " + preStopSeconds
                + " + max(drain.timeout, drain.jobs_soft) " + firstPhaseSeconds + " + drain.jobs_hard " + jobsHardSeconds
                + " + margin " + marginSeconds;
    }

    static long ceilSeconds(Duration d) {
        long s = d.getSeconds();
        return d.getNano() > 0 ? s + 1 : s;
    }
}
