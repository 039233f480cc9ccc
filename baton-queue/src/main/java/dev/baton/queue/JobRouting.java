package dev.baton.queue;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-version job routing, the base of job canaries. Every job gets a bucket 0..99 at enqueue; the
 * routing table gives each version a contiguous share of the buckets, in the map's order.
 *
 * <p>A worker of version v may claim a job when routing is empty, or the job's bucket is in v's
 * share, or no live worker of the version that owns the bucket handles the job's kind (so a job is
 * never stranded), or no version owns the bucket. A worker without a version owns no share.
 */
public interface JobRouting {

    /**
     * Replaces the routing table, e.g. {@code {v1=90, v2=10}}.
     *
     * @throws IllegalArgumentException when the shares do not sum to 100, a share is outside 0..100,
     *     a name is blank, or a version has no live registered worker ({@code "shares.v9: no live worker has version v9"})
     */
    void setShares(LinkedHashMap<String, Integer> percentByVersion);

    /** No routing: every worker takes every bucket. */
    void clear();

    /** The current shares in bucket order; empty when there is no routing. */
    Map<String, Integer> shares();
}
