package dev.baton.server.verify;

/**
 * A fault that was carried out, kept so that the failures around it can be explained one by one.
 *
 * @param kind which fault
 * @param atNanos when, on the {@link System#nanoTime()} timeline of the loads
 * @param instance the instance it hit; {@code null} for faults of the database or the control plane
 * @param signal the signal sent; {@code null} when none
 * @param requestsInside requests inside the instance just before (-1 when not measured)
 * @param jobsHeld jobs the instance held just before (-1 when not measured)
 * @param what in words, e.g. {@code SIGKILL shop-v1-2 (v1, port 41234, pid 5555) holding 3 jobs}
 */
public record Injection(FaultKind kind, long atNanos, InstanceRef instance, Signal signal, int requestsInside,
                        int jobsHeld, String what) {

    /** A fault that hit no instance (database, control plane). */
    public static Injection of(FaultKind kind, long atNanos, String what) {
        return new Injection(kind, atNanos, null, null, -1, -1, what);
    }

    /** Whether it killed an instance abruptly, so requests inside it could fail. */
    public boolean killedInstance() {
        return signal == Signal.KILL && instance != null;
    }
}
