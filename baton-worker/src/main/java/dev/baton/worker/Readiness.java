package dev.baton.worker;

/**
 * Whether the worker should count as ready (taking jobs), and if not, why.
 *
 * @param ready true while claiming jobs with the database answering
 * @param reason a short reason shown by {@code /health/ready}
 */
public record Readiness(boolean ready, String reason) {

    static Readiness of(WorkerState state, boolean databaseUp) {
        return switch (state) {
            case NEW -> new Readiness(false, "not started");
            case DRAINING -> new Readiness(false, "draining");
            case STOPPED -> new Readiness(false, "stopped");
            case RUNNING -> databaseUp ? new Readiness(true, "ready") : new Readiness(false, "database unreachable");
        };
    }
}
