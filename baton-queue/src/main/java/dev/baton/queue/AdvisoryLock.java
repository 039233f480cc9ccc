package dev.baton.queue;

import java.util.HashMap;
import java.util.Map;

/**
 * Every PostgreSQL advisory lock Baton takes, with its key. Keys live here and nowhere else: two locks
 * that shared a key once made the queue's rescuer and the rollout store's schema creation wait for each
 * other. A key, once given, is never reused for something else (processes of two releases may run at once).
 */
public enum AdvisoryLock {
    /** Session lock around schema migrations, every part's ({@link Migrator}). */
    SCHEMA_MIGRATION(0x626174_6f6e_0001L),
    /** Transaction lock: only one process rescues expired leases at a time. */
    QUEUE_RESCUE(0x626174_6f6e_0002L),
    /** Transaction lock: the rollout store numbers revisions without gaps. */
    ROLLOUT_REVISION(0x626174_6f6e_0003L),
    /**
     * Taken by older releases around creating the rollout store's tables, which are now migrations under
     * {@link #SCHEMA_MIGRATION}; kept so that its key is never given to something else.
     */
    ROLLOUT_SCHEMA(0x626174_6f6e_0004L);

    static {
        Map<Long, AdvisoryLock> seen = new HashMap<>();
        for (AdvisoryLock lock : values()) {
            AdvisoryLock other = seen.putIfAbsent(lock.key, lock);
            if (other != null) {
                throw new ExceptionInInitializerError("advisory locks " + other + " and " + lock + " share key "
                        + Long.toHexString(lock.key));
            }
        }
    }

    private final long key;

    AdvisoryLock(long key) {
        this.key = key;
    }

    /** The 64-bit key passed to {@code pg_advisory_lock} and friends. */
    public long key() {
        return key;
    }
}
