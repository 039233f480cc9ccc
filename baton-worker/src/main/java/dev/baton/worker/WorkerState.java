package dev.baton.worker;

/** The lifecycle of a {@link Worker}. It only moves forward: NEW → RUNNING → DRAINING → STOPPED. */
public enum WorkerState {
    /** Built, not started: {@link Worker#stop} from here goes straight to {@link #STOPPED}. */
    NEW,
    /** Claiming and running jobs; ready when the database answers. */
    RUNNING,
    /** Stopping: no new claims, not ready, in-flight jobs finish, then the rest are interrupted and released. */
    DRAINING,
    /** Every job settled or released, registration removed, health server closed. */
    STOPPED
}
