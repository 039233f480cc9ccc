package dev.baton.rollout;

import java.util.List;

/** Present when the instances also consume jobs: the job kinds they handle. */
public record WorkerSpec(List<String> kinds) {
    public WorkerSpec {
        kinds = List.copyOf(kinds);
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("worker.kinds: must list at least one job kind");
        }
    }
}
