package dev.baton.queue;

import java.util.BitSet;
import java.util.List;

/**
 * The routing table and the live workers at one moment: enough to decide which buckets of which
 * kind a worker of a given version may claim, without touching the database.
 */
record RoutingSnapshot(List<Share> shares, List<WorkerInfo> liveWorkers) {

    static final int BUCKETS = 100;
    static final RoutingSnapshot NONE = new RoutingSnapshot(List.of(), List.of());

    /** Version {@code version} owns buckets {@code first..last} (inclusive); empty when percent is 0. */
    record Share(String version, int percent, int first, int last) {}

    RoutingSnapshot {
        shares = List.copyOf(shares);
        liveWorkers = List.copyOf(liveWorkers);
    }

    boolean routed() {
        return !shares.isEmpty();
    }

    /**
     * The buckets of {@code kind} a worker of {@code version} (null = unversioned) may claim: its own
     * share, buckets nobody owns, and buckets whose owner has no live worker handling the kind.
     */
    BitSet claimable(String version, String kind) {
        BitSet allowed = new BitSet(BUCKETS);
        allowed.set(0, BUCKETS);
        for (Share s : shares) {
            if (s.percent() == 0 || s.version().equals(version) || !liveVersionHandles(s.version(), kind)) {
                continue;
            }
            allowed.clear(s.first(), s.last() + 1);
        }
        return allowed;
    }

    private boolean liveVersionHandles(String version, String kind) {
        for (WorkerInfo w : liveWorkers) {
            if (version.equals(w.version()) && w.kinds().contains(kind)) {
                return true;
            }
        }
        return false;
    }
}
