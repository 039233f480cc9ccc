package dev.baton.server.verify;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The faults {@code baton verify} can inject, by the name used on the command line ({@code --faults}). */
public enum FaultKind {
    /** SIGKILL of an instance while its worker holds a job. */
    WORKER_KILL("worker-kill"),
    /** SIGKILL of an instance while requests are inside it. */
    WEB_KILL("web-kill"),
    /** SIGTERM of an instance while slow requests are inside it: all of them must still succeed. */
    SLOW_TERM("slow-term"),
    /** A canary answering 20% of requests with 500: analysis must roll it back. */
    CANARY_ERRORS("canary-errors", Where.ANY),
    /** A canary whose jobs fail: rolled back, and the jobs it failed retried by the stable version. */
    CANARY_JOB_FAILURES("canary-job-failures", Where.ANY),
    /** A new version that never becomes ready: rolled back by the progress deadline. */
    NEVER_READY("never-ready", Where.ANY),
    /** PostgreSQL restarted in the middle of a deploy. */
    DATABASE_RESTART("db-restart"),
    /** The control plane SIGKILLed in the middle of a rollout and started again. */
    CONTROL_PLANE_RESTART("control-plane-restart"),
    /** On Kubernetes: the leading control plane pod's process SIGKILLed mid-canary; a standby takes over. */
    LEADER_KILL("leader-kill", Where.KUBERNETES),
    /** On Kubernetes: a proxy replica SIGKILLed while weights change; the other carries the load. */
    PROXY_KILL("proxy-kill", Where.KUBERNETES),
    /** On Kubernetes: an app pod force-deleted (grace period 0) mid-rollout. */
    POD_FORCE_DELETE("pod-force-delete", Where.KUBERNETES);
    // A node that stops heartbeating (node-lost) belongs here too, as a Where.KUBERNETES fault.

    /** Where a fault can be injected. */
    public enum Where {
        /** Either stage: it acts through the new version or through the control plane's own decisions. */
        ANY,
        /** The local stage only: it signals processes of this host, or restarts its database or control plane. */
        LOCAL,
        /** The cluster stage only ({@code --kubernetes}). */
        KUBERNETES
    }

    private final String option;
    private final Where where;

    FaultKind(String option) {
        this(option, Where.LOCAL);
    }

    FaultKind(String option, Where where) {
        this.option = option;
        this.where = where;
    }

    /** Where this fault can be injected. */
    public Where where() {
        return where;
    }

    /** Whether it can be injected on the cluster stage ({@code true}) or the local one ({@code false}). */
    public boolean injectableOn(boolean kubernetes) {
        return where == Where.ANY || (where == Where.KUBERNETES) == kubernetes;
    }

    /** The name on the command line, e.g. {@code worker-kill}. */
    public String option() {
        return option;
    }

    /** The kind named {@code name}; the message of the exception lists the allowed names. */
    public static FaultKind parse(String name) {
        for (FaultKind k : values()) {
            if (k.option.equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("--faults: unknown fault '" + name + "'; allowed: " + allowed());
    }

    /** The allowed names, comma-separated, with {@code none} and {@code all}. */
    public static String allowed() {
        return Arrays.stream(values()).map(FaultKind::option).collect(Collectors.joining(", ")) + ", none, all";
    }

    /** The names allowed on one stage, comma-separated, with {@code none} and {@code all}. */
    public static String allowed(boolean kubernetes) {
        return Arrays.stream(values()).filter(k -> k.injectableOn(kubernetes)).map(FaultKind::option)
                .collect(Collectors.joining(", ")) + ", none, all";
    }
}
