package dev.baton.rollout;

/**
 * A save lost a race: another writer (a second control plane, or another part of this one) saved the rollout
 * after the state being saved was read. Nothing was written; read the rollout again and decide again.
 */
public final class StaleRolloutException extends IllegalStateException {

    public StaleRolloutException(String rolloutId, long readAt, long storedAt) {
        super("rollout " + rolloutId + ": changed by another writer since it was read (read at generation "
                + readAt + ", stored at " + storedAt + "); nothing was saved");
    }
}
