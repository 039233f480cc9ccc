package dev.baton.rollout;

/** Where a rollout is: moving forward, moving back, or finished one way or the other. */
public enum RolloutPhase {
    PROGRESSING, ROLLING_BACK, SUCCEEDED, ROLLED_BACK;

    public boolean terminal() {
        return this == SUCCEEDED || this == ROLLED_BACK;
    }
}
