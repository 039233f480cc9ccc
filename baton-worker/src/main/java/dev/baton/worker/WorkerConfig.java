package dev.baton.worker;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How one worker runs. The kinds it handles are not configured here: they are the kinds of the
 * handlers registered on the {@link Worker.Builder}.
 *
 * @param id unique worker id, used as the lease owner and in the worker registry
 * @param version the deployed version of the application, or {@code null} when unversioned; it tags
 *     every claim (job routing by version) and every metric
 * @param concurrency how many handlers may run at once (1..10000); the worker claims only free slots
 * @param pollInterval how often to look for jobs when no notification arrives
 * @param softStop how long in-flight handlers may run to completion once a stop begins
 * @param hardStop after the soft deadline: how long to interrupt handlers and release their jobs
 * @param lease how long a claimed job stays ours without a heartbeat (heartbeat every lease/3)
 * @param completionLinger how long completions may wait to be recorded together in one statement
 *     (0..1m); they are written sooner when every slot is waiting for one, and at once during a stop.
 *     The job's slot stays taken until its completion is durable.
 * @param healthHost address the health and metrics server binds to (loopback by default)
 * @param healthPort its port: 0 for any free port, -1 for no server
 * @param queues the queues to claim from; empty for all
 */
public record WorkerConfig(
        String id,
        String version,
        int concurrency,
        Duration pollInterval,
        Duration softStop,
        Duration hardStop,
        Duration lease,
        Duration completionLinger,
        String healthHost,
        int healthPort,
        Set<String> queues) {

    static final Duration MAX_DURATION = Duration.ofDays(1);
    static final Duration MAX_LINGER = Duration.ofMinutes(1);

    public WorkerConfig {
        requireText(id, "id", 200);
        if (version != null) {
            requireText(version, "version", 100);
        }
        if (concurrency < 1 || concurrency > 10_000) {
            throw new IllegalArgumentException("concurrency: must be within 1..10000, got " + concurrency);
        }
        requireDuration(pollInterval, "pollInterval", Duration.ofMillis(10));
        requireDuration(softStop, "softStop", Duration.ZERO);
        requireDuration(hardStop, "hardStop", Duration.ofMillis(100));
        requireDuration(lease, "lease", Duration.ofMillis(500));
        requireDuration(completionLinger, "completionLinger", Duration.ZERO, MAX_LINGER);
        requireText(healthHost, "healthHost", 255);
        if (healthPort < -1 || healthPort > 65_535) {
            throw new IllegalArgumentException(
                    "healthPort: must be -1 (no server), 0 (any free port) or 1..65535, got " + healthPort);
        }
        Objects.requireNonNull(queues, "queues: must not be null (empty means all queues)");
        for (String q : queues) {
            requireText(q, "queues", 200);
        }
        queues = Set.copyOf(queues);
    }

    /**
     * Sensible defaults: a generated id, unversioned, 10 slots, poll every second, 20 s soft and 5 s
     * hard stop (inside Kubernetes' default 30 s grace period with 5 s to spare), 30 s lease, completions
     * lingering up to 5 ms to share a statement, health server on 127.0.0.1 at any free port, every queue.
     */
    public static WorkerConfig defaults() {
        return new WorkerConfig(generatedId(), null, 10, Duration.ofSeconds(1), Duration.ofSeconds(20),
                Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMillis(5), "127.0.0.1", 0, Set.of());
    }

    public WorkerConfig withId(String newId) {
        return new WorkerConfig(newId, version, concurrency, pollInterval, softStop, hardStop, lease,
                completionLinger, healthHost, healthPort, queues);
    }

    public WorkerConfig withVersion(String newVersion) {
        return new WorkerConfig(id, newVersion, concurrency, pollInterval, softStop, hardStop, lease,
                completionLinger, healthHost, healthPort, queues);
    }

    public WorkerConfig withConcurrency(int newConcurrency) {
        return new WorkerConfig(id, version, newConcurrency, pollInterval, softStop, hardStop, lease,
                completionLinger, healthHost, healthPort, queues);
    }

    public WorkerConfig withPollInterval(Duration newPollInterval) {
        return new WorkerConfig(id, version, concurrency, newPollInterval, softStop, hardStop, lease,
                completionLinger, healthHost, healthPort, queues);
    }

    public WorkerConfig withStopDeadlines(Duration newSoftStop, Duration newHardStop) {
        return new WorkerConfig(id, version, concurrency, pollInterval, newSoftStop, newHardStop, lease,
                completionLinger, healthHost, healthPort, queues);
    }

    public WorkerConfig withLease(Duration newLease) {
        return new WorkerConfig(id, version, concurrency, pollInterval, softStop, hardStop, newLease,
                completionLinger, healthHost, healthPort, queues);
    }

    public WorkerConfig withCompletionLinger(Duration newLinger) {
        return new WorkerConfig(id, version, concurrency, pollInterval, softStop, hardStop, lease, newLinger,
                healthHost, healthPort, queues);
    }

    public WorkerConfig withHealth(String newHost, int newPort) {
        return new WorkerConfig(id, version, concurrency, pollInterval, softStop, hardStop, lease,
                completionLinger, newHost, newPort, queues);
    }

    public WorkerConfig withQueues(Set<String> newQueues) {
        return new WorkerConfig(id, version, concurrency, pollInterval, softStop, hardStop, lease,
                completionLinger, healthHost, healthPort, newQueues);
    }

    /** How often in-flight leases are extended and the registry entry touched: a third of the lease. */
    public Duration heartbeatInterval() {
        return lease.dividedBy(3);
    }

    /** How often this worker offers to rescue expired leases (one worker of the fleet does it). */
    public Duration rescueInterval() {
        return lease.dividedBy(2);
    }

    /** The longest a stop can take: soft plus hard. Keep Kubernetes' grace period above it. */
    public Duration maxStopTime() {
        return softStop.plus(hardStop);
    }

    /** {@code host-pid-xxxx}: readable in the registry and unique across restarts. */
    public static String generatedId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        long pid = ManagementFactory.getRuntimeMXBean().getPid();
        return host + "-" + pid + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    }

    private static void requireText(String value, String field, int maxLength) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + ": must not be empty");
        }
        if (value.length() > maxLength) {
            throw new IllegalArgumentException(field + ": must be at most " + maxLength + " characters, got "
                    + value.length());
        }
    }

    private static void requireDuration(Duration value, String field, Duration min) {
        requireDuration(value, field, min, MAX_DURATION);
    }

    private static void requireDuration(Duration value, String field, Duration min, Duration max) {
        if (value == null) {
            throw new IllegalArgumentException(field + ": must not be null");
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(field + ": must be within " + min + ".." + max + ", got " + value);
        }
    }
}
