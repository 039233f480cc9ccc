package dev.baton.worker;

import dev.baton.queue.JobQueue;
import dev.baton.queue.QueueConfig;
import dev.baton.queue.RetryPolicy;
import dev.baton.queue.WorkerInfo;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs job handlers against the queue: claims as many jobs as it has free slots, runs each handler on
 * a virtual thread, keeps their leases alive, records their outcomes, and stops in two speeds.
 *
 * <pre>{@code
 * Worker worker = Worker.builder(dataSource)
 *         .config(WorkerConfig.defaults().withVersion("v42").withConcurrency(20))
 *         .handle("email", ctx -> { send(ctx.payloadAs(Email.class)); return JobResult.complete(); })
 *         .build();
 * worker.start();          // SIGTERM now drains it (shutdown hook)
 * ...
 * worker.stop();           // soft then hard deadline from the config
 * }</pre>
 */
public final class Worker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    /** At least this long, even past the hard deadline, for pending completions to be written at a stop. */
    private static final Duration SETTLE_GRACE = Duration.ofSeconds(1);
    /** At most this long, from the start of a stop, for the job listener to close (it may be reconnecting). */
    private static final Duration LISTENER_CLOSE = Duration.ofMillis(500);
    /** At most this long (and never past the soft deadline) a stop waits for a claim under way to start its jobs. */
    private static final Duration CLAIM_WAIT = Duration.ofSeconds(1);

    private final WorkerConfig config;
    private final Map<String, JobHandler> handlers;
    private final JobQueue queue;
    private final Clock clock;
    private final boolean shutdownHook;
    private final WorkerMetrics metrics;
    private final DatabaseHealth database = new DatabaseHealth();
    private final WakeSignal wake = new WakeSignal();
    private final InFlight inFlight;
    private final JobRunner runner;
    private final ClaimLoop claimLoop;
    private final Object lifecycle = new Object();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile WorkerState state = WorkerState.NEW;
    /** Whether jobs a claim returns are started; false once a stop no longer waits for the claim loop. */
    private volatile boolean claimsAccepted = true;
    private Instant startedAt;
    private HealthServer health;
    private AutoCloseable listener;
    private BackgroundLoop claiming;
    private BackgroundLoop settling;
    private BackgroundLoop heartbeat;
    private BackgroundLoop rescue;
    private Thread hook;

    private Worker(Builder b) {
        this.config = b.config;
        this.handlers = Map.copyOf(b.handlers);
        this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
        this.shutdownHook = b.shutdownHook;
        QueueConfig queueConfig = QueueConfig.defaults().withLeaseDuration(config.lease())
                .withWorkerTimeout(config.lease().multipliedBy(2));
        if (b.retryPolicy != null) {
            queueConfig = queueConfig.withRetryPolicy(b.retryPolicy);
        }
        this.queue = b.clock == null ? new JobQueue(b.dataSource, queueConfig)
                : new JobQueue(b.dataSource, queueConfig, b.clock);
        this.metrics = new WorkerMetrics(config.version());
        ClaimLoop[] loop = new ClaimLoop[1];
        this.inFlight = new InFlight(config.concurrency(), () -> loop[0].slotFreed());
        this.runner = new JobRunner(queue, handlers, inFlight, metrics, database, config);
        this.claimLoop = new ClaimLoop(queue, runner, inFlight, wake, database, config, handlers.keySet(),
                () -> state == WorkerState.RUNNING, () -> claimsAccepted);
        loop[0] = claimLoop;
    }

    /** Starts building a worker on the queue in {@code dataSource}. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /**
     * Registers the worker, opens the health port and starts claiming. The queue schema must exist
     * ({@code QueueSchema.migrate}).
     *
     * @throws IllegalStateException when already started or stopped
     * @throws RuntimeException when the database cannot be reached (nothing is left running)
     */
    public void start() {
        synchronized (lifecycle) {
            if (state != WorkerState.NEW) {
                throw new IllegalStateException("start: worker " + config.id() + " is " + state + ", not NEW");
            }
            startedAt = clock.instant();
            try {
                queue.workers().register(registration());
                listener = queue.listen(claimLoop::jobEnqueued);
                if (config.healthPort() >= 0) {
                    health = HealthServer.start(config.healthHost(), config.healthPort(), this::readiness,
                            this::renderMetrics);
                }
            } catch (RuntimeException e) {
                closeQuietly(listener);
                if (health != null) {
                    health.close();
                }
                state = WorkerState.STOPPED;
                stopped.countDown();
                throw e;
            }
            state = WorkerState.RUNNING;
            settling = new BackgroundLoop("complete", Duration.ZERO, runner.completions(), metrics, database)
                    .wakeUpWith(runner.completions()::wake).start();
            claiming = new BackgroundLoop("claim", Duration.ZERO, claimLoop, metrics, database)
                    .wakeUpWith(wake::wake).start();
            heartbeat = new BackgroundLoop("heartbeat", config.heartbeatInterval(),
                    new Heartbeat(queue, inFlight, database, config.id(), this::registration), metrics, database)
                    .start();
            rescue = new BackgroundLoop("rescue", config.rescueInterval(), this::rescueOnce, metrics, database).start();
            if (shutdownHook) {
                hook = Thread.ofPlatform().name("baton-worker-sigterm").unstarted(this::stop);
                Runtime.getRuntime().addShutdownHook(hook);
            }
        }
        log.info("worker {} (version {}) started: kinds {}, concurrency {}, lease {}, stop deadlines soft {} + hard {}",
                config.id(), config.version(), kinds(), config.concurrency(), config.lease(), config.softStop(),
                config.hardStop());
    }

    /** Stops with the configured deadlines; see {@link #stop(Duration, Duration)}. */
    public void stop() {
        stop(config.softStop(), config.hardStop());
    }

    /**
     * Stops in two speeds and returns when stopped, within about {@code soft + hard}. Soft: claim
     * nothing more, report not ready, let in-flight handlers finish until {@code soft} has passed.
     * Hard: interrupt the handlers still running and release their jobs (attempt not counted) within
     * {@code hard}. Then deregister and close the health port.
     *
     * <p>Idempotent: a second call waits for the first to finish. Before {@link #start()} it just
     * marks the worker stopped.
     */
    public void stop(Duration soft, Duration hard) {
        if (soft == null || soft.isNegative() || hard == null || hard.isNegative()) {
            throw new IllegalArgumentException("stop: soft and hard must be zero or positive, got soft=" + soft
                    + ", hard=" + hard);
        }
        boolean mine = false;
        synchronized (lifecycle) {
            if (state == WorkerState.NEW) {
                state = WorkerState.STOPPED;
                stopped.countDown();
                return;
            }
            if (state == WorkerState.RUNNING) {
                state = WorkerState.DRAINING;
                mine = true;
            }
        }
        if (!mine) {
            awaitStopped(soft.plus(hard).plusSeconds(5));
            return;
        }
        try {
            drain(soft, hard);
        } finally {
            state = WorkerState.STOPPED;
            stopped.countDown();
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** Waits until the worker is stopped; true if it is. */
    public boolean awaitStopped(Duration timeout) {
        try {
            return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public WorkerState state() {
        return state;
    }

    /** Ready = running and the database answered the last call; what {@code /health/ready} reports. */
    public Readiness readiness() {
        return Readiness.of(state, database.isUp());
    }

    public WorkerConfig config() {
        return config;
    }

    /** The job kinds this worker claims: those it has handlers for. */
    public Set<String> kinds() {
        return handlers.keySet();
    }

    /** The queue this worker uses, e.g. to enqueue follow-up jobs. */
    public JobQueue queue() {
        return queue;
    }

    /** The bound health port, or -1 when there is no health server (or before start). */
    public int healthPort() {
        HealthServer h = health;
        return h == null ? -1 : h.port();
    }

    /** How many jobs hold a slot now: handlers running, or whose outcome is being recorded. */
    public int inFlight() {
        return inFlight.size();
    }

    /** The Prometheus text served on {@code /metrics}. */
    public String renderMetrics() {
        return metrics.render(kinds(), inFlight.snapshot().stream().map(e -> e.job().kind()).toList(),
                runner.completions().pending(), config.concurrency(), readiness().ready(), database.isUp());
    }

    private void drain(Duration soft, Duration hard) {
        long start = System.nanoTime();
        log.info("worker {} stopping (readiness 503, no claims): {} job(s) get {} to finish, then {} until "
                + "released", config.id(), inFlight.size(), soft, hard);
        removeHook();
        // A claim under way (committed, its jobs about to start) is waited for briefly, so its jobs get the soft
        // deadline like the rest; but with PostgreSQL away a claim may be stuck in a database call for the pool's
        // connection timeout, and waiting for it would eat that deadline: after the wait, what it still claims is
        // handed back.
        claiming.close(CLAIM_WAIT.compareTo(soft) < 0 ? CLAIM_WAIT : soft);
        claimsAccepted = false;
        rescue.stop();
        long listenerBy = start + Math.min(soft.plus(hard).toNanos(), LISTENER_CLOSE.toNanos());
        try {
            Bounded.within("close the job listener", listenerBy, () -> closeQuietly(listener));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        StopSequence.Report report;
        try {
            report = new StopSequence(inFlight, runner).drain(start, soft, hard);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            report = null;
        }
        // Everything after the hard deadline fits in SETTLE_GRACE, whatever the database does: the process driver's
        // SIGKILL follows soon after it. Completions handed over before the deadline still land within it; a flush
        // failing past it is given up.
        long finishBy = start + soft.plus(hard).plus(SETTLE_GRACE).toNanos();
        try {
            runner.completions().drain(finishBy);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        claiming.close(until(finishBy));
        rescue.close(until(finishBy));
        settling.close(until(finishBy));
        runner.giveUp();
        heartbeat.close(until(finishBy));
        try {
            Bounded.within("deregister", finishBy, () -> {
                try {
                    queue.workers().deregister(config.id());
                } catch (RuntimeException e) {
                    log.warn("worker {}: could not deregister ({}); the registry will drop it after the worker timeout",
                            config.id(), Failures.summary(e));
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (health != null) {
            health.close();
        }
        log.info("worker {} stopped in {} ms: {}", config.id(), Duration.ofNanos(System.nanoTime() - start).toMillis(),
                report);
    }

    private void rescueOnce() {
        int rescued = queue.rescueExpired();
        database.reachable();
        if (rescued > 0) {
            log.info("rescued {} job(s) whose lease had expired", rescued);
            claimLoop.workWaiting();
        }
    }

    private WorkerInfo registration() {
        return new WorkerInfo(config.id(), config.version(), hostName(), ProcessHandle.current().pid(), kinds(),
                startedAt, clock.instant());
    }

    /** The time left until {@code deadlineNanos}, at least a millisecond (a join of zero waits forever). */
    private static Duration until(long deadlineNanos) {
        return Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime()));
    }

    private void removeHook() {
        if (hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The JVM is exiting: the hook runs anyway and waits for this stop.
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.debug("closing {} failed: {}", c, e.toString());
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    /** Collects handlers and settings; {@link #build()} validates them. */
    public static final class Builder {

        private final DataSource dataSource;
        private final Map<String, JobHandler> handlers = new LinkedHashMap<>();
        private WorkerConfig config = WorkerConfig.defaults();
        private RetryPolicy retryPolicy;
        private Clock clock;
        private boolean shutdownHook = true;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        public Builder config(WorkerConfig c) {
            this.config = Objects.requireNonNull(c, "config");
            return this;
        }

        /** The handler for jobs of {@code kind}; the worker claims exactly the kinds registered here. */
        public Builder handle(String kind, JobHandler handler) {
            if (kind == null || kind.isBlank()) {
                throw new IllegalArgumentException("kind: must not be empty");
            }
            Objects.requireNonNull(handler, "handler");
            if (handlers.putIfAbsent(kind, handler) != null) {
                throw new IllegalArgumentException("kind: a handler for " + kind + " is already registered");
            }
            return this;
        }

        public Builder handleAll(Map<String, JobHandler> byKind) {
            byKind.forEach(this::handle);
            return this;
        }

        /** Backoff after a failed attempt; the queue's default (exponential 1 s .. 1 h) otherwise. */
        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "retryPolicy");
            return this;
        }

        /**
         * For tests: the clock the queue compares leases and run times with instead of the database's,
         * so a test can move time. Without it every queue time comes from the database.
         */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /** Whether SIGTERM (a JVM shutdown hook) stops the worker gracefully; on by default. */
        public Builder stopOnShutdown(boolean enabled) {
            this.shutdownHook = enabled;
            return this;
        }

        public Worker build() {
            if (handlers.isEmpty()) {
                throw new IllegalArgumentException("handlers: register at least one with handle(kind, handler)");
            }
            return new Worker(this);
        }
    }
}
