package dev.baton.queue;

import java.util.List;

/** The queue's depth by kind and queue; completed jobs are not counted. */
public record QueueStats(List<KindStats> kinds) {

    public QueueStats {
        kinds = List.copyOf(kinds);
    }

    /** Jobs claimable now, over all kinds. */
    public long available() {
        return kinds.stream().mapToLong(KindStats::available).sum();
    }

    /** Jobs held by workers, over all kinds. */
    public long running() {
        return kinds.stream().mapToLong(KindStats::running).sum();
    }
}
