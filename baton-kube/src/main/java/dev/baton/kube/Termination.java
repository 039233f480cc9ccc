package dev.baton.kube;

import dev.baton.rollout.DrainSpec;
import java.time.Duration;

/**
 * How a pod is taken away on Kubernetes, in whole seconds as the API counts them (every part rounded up).
 *
 * <p>Kubernetes starts the preStop hook and removes the pod from the Service's endpoints at the same moment;
 * kube-proxy on every node and the ingress controllers learn of the removal asynchronously, so requests keep
 * arriving for a few seconds. The preStop sleep keeps the pod serving normally through that window. Then
 * SIGTERM: in-flight requests get {@code drain.timeout} while, in parallel, the worker finishes held jobs
 * until {@code jobs_soft} and has released the rest by {@code jobs_hard}, both counted from SIGTERM as the
 * spec defines them ({@code jobs_hard >= jobs_soft}). The grace period is counted from the start of preStop, so
 * <pre>grace = preStop + max(drain.timeout, jobs_hard) + margin</pre>
 * and SIGKILL never lands while the runtime is still inside a deadline it was given.
 *
 * @param preStopSeconds the preStop sleep (0: no hook)
 * @param drainSeconds {@code max(drain.timeout, jobs_hard)}
 * @param marginSeconds for JVM exit and the last release round-trips
 * @param graceSeconds {@code terminationGracePeriodSeconds}
 */
public record Termination(long preStopSeconds, long drainSeconds, long marginSeconds, long graceSeconds) {
    /** Liveness is probed this often; its failure threshold is derived from the grace period. */
    public static final int LIVENESS_PERIOD_SECONDS = 10;

    public Termination {
        if (graceSeconds < preStopSeconds + drainSeconds + marginSeconds) {
            throw new IllegalArgumentException("grace period " + graceSeconds + "s is shorter than preStop + drain");
        }
    }

    /** The budget for a drain section and a preStop delay. */
    public static Termination of(DrainSpec drain, Duration preStop) {
        long pre = ceilSeconds(preStop);
        // The worker releases by jobs_hard, or 100 ms after jobs_soft when the spec leaves it no time.
        Duration releasedBy = drain.jobsSoft().plus(ContainerEnv.workerHardStop(drain));
        long drainSeconds = Math.max(ceilSeconds(drain.timeout()), ceilSeconds(releasedBy));
        long margin = ceilSeconds(DrainSpec.KILL_MARGIN);
        return new Termination(pre, drainSeconds, margin, pre + drainSeconds + margin);
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
                + " + max(drain.timeout, drain.jobs_hard) " + drainSeconds + " + margin " + marginSeconds;
    }

    static long ceilSeconds(Duration d) {
        long s = d.getSeconds();
        return d.getNano() > 0 ? s + 1 : s;
    }
}
