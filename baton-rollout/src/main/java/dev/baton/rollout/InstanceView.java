package dev.baton.rollout;

import java.time.Instant;

/** An instance as the rollout sees it: the handle, its state, and since when it has been ready (or null). */
public record InstanceView(Instance instance, InstanceState state, Instant readySince) {
    public String id() {
        return instance.id();
    }

    public String version() {
        return instance.version();
    }

    public boolean ready() {
        return state == InstanceState.READY;
    }

    public InstanceView with(InstanceState s, Instant now) {
        return new InstanceView(instance, s, s == InstanceState.READY ? (readySince == null ? now : readySince) : null);
    }
}
