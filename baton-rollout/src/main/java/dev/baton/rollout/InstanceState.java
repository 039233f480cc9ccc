package dev.baton.rollout;

/** An instance's life: {@code STARTING → READY → DRAINING → STOPPED}, or {@code FAILED} from any state. */
public enum InstanceState {
    STARTING, READY, DRAINING, STOPPED, FAILED;

    /** Whether the instance still exists (counts against the desired number and may need stopping). */
    public boolean live() {
        return this != STOPPED && this != FAILED;
    }
}
