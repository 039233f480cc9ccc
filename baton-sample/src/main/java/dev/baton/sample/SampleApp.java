package dev.baton.sample;

import com.zaxxer.hikari.HikariDataSource;
import dev.baton.queue.Database;
import dev.baton.queue.JobQueue;
import dev.baton.queue.QueueConfig;
import dev.baton.queue.QueueSchema;
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app that Baton's demo and end-to-end tests deploy: a small HTTP service with an embedded job
 * worker, which can be told to misbehave.
 *
 * <p>Run: {@code java -cp … dev.baton.sample.SampleApp --port 8080 --version v2} (or {@code BATON_PORT},
 * {@code BATON_VERSION}); with {@code BATON_DATABASE_URL} it also serves {@code POST /orders} and, unless
 * {@code BATON_WORKER_KINDS} is empty, works on {@code sample.work} jobs. Once bound it prints
 * {@code baton-sample listening port=<port> version=<v> pid=<pid>} to standard output, and
 * {@code baton-sample ready …} when ready; logs go to standard error.
 *
 * <p>Endpoints (all on the host it binds, 127.0.0.1 by default; every response carries {@code X-Baton-Version} and echoes
 * {@code X-Request-Id}): {@code GET /hello}, {@code GET /slow?ms=N}, {@code POST /orders}
 * ({@code {"key": "...", "ms": N}}, both optional: creates an order row and enqueues its job in the same
 * transaction), {@code GET /health/live}, {@code GET /health/ready} (503 until started, while draining,
 * and while the embedded worker is not ready).
 *
 * <p>Misbehaviour switches (environment; a bad value stops the start with exit code 2 and a message
 * naming the variable and its allowed range):
 * <ul>
 *   <li>{@code SAMPLE_ERROR_RATE} 0..1: that fraction of {@code GET /hello} is answered 500;</li>
 *   <li>{@code SAMPLE_LATENCY_MS} 0..3600000: added to every request except the {@code /health/*} probes;</li>
 *   <li>{@code SAMPLE_START_DELAY_MS} 0..3600000: slow start, ready (and the worker started) only after it;</li>
 *   <li>{@code SAMPLE_NEVER_READY} true|false: readiness stays 503 and the worker never starts;</li>
 *   <li>{@code SAMPLE_CRASH_AFTER_MS} 1..3600000: the process exits with code 1 that long after start,
 *       abruptly, without draining;</li>
 *   <li>{@code SAMPLE_JOB_FAIL_RATE} 0..1: that fraction of job executions throw (the queue retries them);</li>
 *   <li>{@code SAMPLE_JOB_MS} 0..3600000: a job's duration when its payload has no {@code ms} (default 50).</li>
 * </ul>
 *
 * <p>SIGTERM: readiness turns 503 at once; the worker stops claiming and gets {@code BATON_JOBS_SOFT} to
 * finish its jobs, then {@code BATON_JOBS_HARD} to release them; in parallel, in-flight requests finish
 * (new connections are still accepted meanwhile) for up to {@code BATON_DRAIN_TIMEOUT}, then the listener
 * closes; the process exits 0.
 */
public final class SampleApp implements AutoCloseable {

    static {
        // Our own logging setup, unless the launcher chose one: logs to standard error, INFO.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "dev/baton/sample/logback-sample.xml");
        }
    }

    /** The line printed to standard output once HTTP is bound, followed by {@code port=… version=… pid=…}. */
    public static final String LISTENING = "baton-sample listening";
    /** The line printed to standard output once ready. */
    public static final String READY = "baton-sample ready";

    private static final Logger log = LoggerFactory.getLogger(SampleApp.class);

    private final SampleSettings settings;
    private final Object lifecycle = new Object();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile AppState state = AppState.STARTING;
    private volatile boolean started;
    private HikariDataSource dataSource;
    private Worker worker;
    private SampleHttp http;
    private int port = -1;

    public SampleApp(SampleSettings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) {
        SampleSettings settings;
        try {
            settings = SampleSettings.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("baton-sample: " + e.getMessage());
            System.err.print(SampleSettings.USAGE);
            System.exit(2);
            return;
        }
        SampleApp app = new SampleApp(settings);
        AtomicInteger exitCode = new AtomicInteger(0);
        // The JVM would exit 143 after SIGTERM; a drained instance exits 0, a failed one keeps its code.
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("baton-sample-sigterm").unstarted(() -> {
            app.stop();
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(exitCode.get());
        }));
        try {
            app.start(() -> {
                exitCode.set(1);
                System.exit(1);
            });
        } catch (RuntimeException e) {
            log.error("baton-sample could not start: {}", e.getMessage(), e);
            exitCode.set(1);
            System.exit(1);
        }
        app.awaitStopped(Duration.ofDays(365));
    }

    /** Starts without a way to exit the process: for tests that run the app in their own JVM. */
    public void start() {
        start(() -> log.error("the worker could not start; the app stays not ready"));
    }

    private void start(Runnable onWorkerFailure) {
        synchronized (lifecycle) {
            if (started) {
                throw new IllegalStateException("start: already started");
            }
            started = true;
            Orders orders = null;
            if (settings.database() != null) {
                dataSource = Database.open(settings.database(), settings.concurrency() + 6, "baton-sample");
                QueueSchema.migrate(dataSource);
                SampleSchema.create(dataSource);
                orders = new Orders(dataSource, new JobQueue(dataSource, QueueConfig.defaults()),
                        settings.version());
            }
            http = new SampleHttp(settings, this::readiness, () -> state == AppState.DRAINING, orders,
                    () -> ThreadLocalRandom.current().nextDouble());
            try {
                port = http.start();
            } catch (IOException e) {
                closeDataSource();
                throw new UncheckedIOException("could not listen on " + settings.host() + ":" + settings.port() + ": "
                        + e.getMessage(), e);
            }
        }
        System.out.println(LISTENING + " port=" + port + " version=" + settings.version() + " pid="
                + ProcessHandle.current().pid());
        System.out.flush();
        log.info("sample {} listening on {}:{} ({}); misbehaviour: {}", settings.version(), settings.host(), port,
                settings.runsWorker() ? "worker for " + settings.kinds() : "no worker", settings.misbehaviour());
        Misbehaviour m = settings.misbehaviour();
        if (m.crashAfter() != null) {
            Thread.ofPlatform().daemon().name("sample-crash").start(() -> {
                sleepQuietly(m.crashAfter());
                log.warn("crashing on purpose (SAMPLE_CRASH_AFTER_MS={})", m.crashAfter().toMillis());
                System.err.flush();
                Runtime.getRuntime().halt(1);
            });
        }
        if (m.neverReady()) {
            log.warn("never becoming ready (SAMPLE_NEVER_READY=true)");
        } else if (m.startDelay().isZero()) {
            becomeReady(onWorkerFailure);
        } else {
            Thread.ofPlatform().daemon().name("sample-slow-start").start(() -> {
                sleepQuietly(m.startDelay());
                becomeReady(onWorkerFailure);
            });
        }
    }

    /** How long the embedded worker may keep failing to start (PostgreSQL restarting, say) before the app gives up. */
    static final Duration WORKER_START_PATIENCE = Duration.ofSeconds(30);

    private void becomeReady(Runnable onWorkerFailure) {
        long giveUpAt = System.nanoTime() + WORKER_START_PATIENCE.toNanos();
        while (true) {
            RuntimeException failure;
            synchronized (lifecycle) {
                if (state != AppState.STARTING) {
                    return;
                }
                failure = startWorker();
                if (failure == null) {
                    state = AppState.READY;
                    break;
                }
            }
            // Outside the lock: giving up exits the process, and the shutdown hook's stop() takes the lock.
            if (System.nanoTime() > giveUpAt) {
                log.error("the embedded worker could not start within {}: {}", WORKER_START_PATIENCE,
                        failure.getMessage(), failure);
                onWorkerFailure.run();
                return;
            }
            log.warn("the embedded worker could not start, trying again in 1s (not ready meanwhile): {}",
                    failure.getMessage());
            sleepQuietly(Duration.ofSeconds(1));
        }
        System.out.println(READY + " port=" + port + " version=" + settings.version());
        System.out.flush();
    }

    /** Starts the embedded worker, if the app runs one; returns why it could not, or null. */
    private RuntimeException startWorker() {
        if (!settings.runsWorker()) {
            return null;
        }
        try {
            Worker w = buildWorker();
            w.start();
            worker = w;
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private Worker buildWorker() {
        WorkerConfig config = WorkerConfig.defaults().withVersion(settings.version())
                .withConcurrency(settings.concurrency()).withLease(settings.lease())
                .withStopDeadlines(settings.jobsSoft(), releaseTime(settings)).withHealth("127.0.0.1", -1);
        Worker.Builder builder = Worker.builder(dataSource).config(config).stopOnShutdown(false);
        WorkHandler handler = new WorkHandler(dataSource, settings.version(), settings.misbehaviour(),
                () -> ThreadLocalRandom.current().nextDouble(), Clock.systemUTC());
        settings.kinds().forEach(kind -> builder.handle(kind, handler));
        return builder.build();
    }

    /**
     * The worker counts its hard deadline after the soft one; {@code BATON_JOBS_HARD}, like the spec's
     * {@code drain.jobs_hard}, counts from SIGTERM. The worker needs at least 100 ms to release.
     */
    static Duration releaseTime(SampleSettings settings) {
        Duration rest = settings.jobsHard().minus(settings.jobsSoft());
        return rest.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : rest;
    }

    /**
     * Drains and stops: readiness 503 at once; the worker and the in-flight requests finish within
     * their deadlines, in parallel. Idempotent (a second call waits for the first); safe before start.
     */
    public void stop() {
        synchronized (lifecycle) {
            if (state == AppState.DRAINING || state == AppState.STOPPED) {
                awaitStopped(settings.drainTimeout().plus(settings.jobsSoft()).plus(settings.jobsHard())
                        .plusSeconds(5));
                return;
            }
            state = AppState.DRAINING;
        }
        long t0 = System.nanoTime();
        log.info("draining (readiness 503): {} request(s) get up to {}; jobs finish until {}, the rest are "
                + "released by {}", http == null ? 0 : http.inFlight(), settings.drainTimeout(),
                settings.jobsSoft(), settings.jobsHard());
        Worker w;
        synchronized (lifecycle) {
            w = worker;
        }
        Thread workerStop = w == null ? null : Thread.ofPlatform().name("sample-worker-stop").start(w::stop);
        int cut = 0;
        try {
            if (http != null) {
                cut = http.drain(settings.drainTimeout());
            }
            if (workerStop != null) {
                workerStop.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeDataSource();
            state = AppState.STOPPED;
            stopped.countDown();
        }
        log.info("stopped in {} ms ({} request(s) cut off by the drain timeout)",
                Duration.ofNanos(System.nanoTime() - t0).toMillis(), cut);
    }

    @Override
    public void close() {
        stop();
    }

    /** Waits until stopped; true if it is. */
    public boolean awaitStopped(Duration timeout) {
        try {
            return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public AppState state() {
        return state;
    }

    /** The bound HTTP port, or -1 before start. */
    public int port() {
        return port;
    }

    SampleHttp.Readiness readiness() {
        AppState s = state;
        return switch (s) {
            case STARTING -> new SampleHttp.Readiness(false, s.name(),
                    settings.misbehaviour().neverReady() ? "never ready (SAMPLE_NEVER_READY)" : "starting");
            case DRAINING, STOPPED -> new SampleHttp.Readiness(false, s.name(), s.name().toLowerCase());
            case READY -> {
                Worker w = worker;
                if (w != null && !w.readiness().ready()) {
                    yield new SampleHttp.Readiness(false, s.name(), "worker: " + w.readiness().reason());
                }
                yield new SampleHttp.Readiness(true, s.name(), "ready");
            }
        };
    }

    private void closeDataSource() {
        if (dataSource != null) {
            dataSource.close();
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
