package dev.baton.rollout;

import java.util.Objects;

/** What the engine acts through; the server supplies real implementations, tests in-memory ones. */
public record RolloutPorts(InstanceDriver driver, TrafficControl traffic, JobShares jobs, RolloutStore store,
                           SmokeCheck smoke) {
    public RolloutPorts {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(traffic, "traffic");
        Objects.requireNonNull(jobs, "jobs");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(smoke, "smoke");
    }
}
