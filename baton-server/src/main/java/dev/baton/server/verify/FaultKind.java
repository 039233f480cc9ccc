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
    CANARY_ERRORS("canary-errors"),
    /** A canary whose jobs fail: rolled back, and the jobs it failed retried by the stable version. */
    CANARY_JOB_FAILURES("canary-job-failures"),
    /** A new version that never becomes ready: rolled back by the progress deadline. */
    NEVER_READY("never-ready"),
    /** PostgreSQL restarted in the middle of a deploy. */
    DATABASE_RESTART("db-restart"),
    /** The control plane SIGKILLed in the middle of a rollout and started again. */
    CONTROL_PLANE_RESTART("control-plane-restart");

    private final String option;

    FaultKind(String option) {
        this.option = option;
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
}
