package dev.baton.queue;

import java.time.Duration;

/**
 * The queue's state for one kind on one queue.
 *
 * @param available claimable now
 * @param scheduled AVAILABLE but with a run-at time in the future (scheduled or waiting for a retry)
 * @param running held by a worker
 * @param discarded dead letters
 * @param oldestAvailableAge how long the oldest claimable job has waited; zero when none
 */
public record KindStats(String kind, String queue, long available, long scheduled, long running, long discarded,
                        Duration oldestAvailableAge) {}
