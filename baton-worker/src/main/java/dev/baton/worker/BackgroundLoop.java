package dev.baton.worker;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a body over and over on its own thread until closed. A failing iteration is caught, logged
 * (the first failure, then at most every 30 s while it keeps failing, then the recovery), counted in
 * {@code baton_worker_loop_errors_total} and followed by the next iteration: the loop never dies.
 */
final class BackgroundLoop implements AutoCloseable {

    /** One iteration. */
    @FunctionalInterface
    interface Body {
        void runOnce() throws Exception;
    }

    private static final Logger log = LoggerFactory.getLogger(BackgroundLoop.class);
    private static final long REPEAT_WARNING_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final Duration MIN_FAILURE_PAUSE = Duration.ofMillis(500);

    private final String name;
    private final Duration interval;
    private final Body body;
    private final WorkerMetrics metrics;
    private final DatabaseHealth database;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread thread;
    private volatile Runnable wakeUp = () -> {};
    private long consecutiveFailures;
    private long lastWarningNanos;

    /**
     * @param interval pause after each iteration; zero when the body waits by itself
     */
    BackgroundLoop(String name, Duration interval, Body body, WorkerMetrics metrics, DatabaseHealth database) {
        this.name = name;
        this.interval = interval;
        this.body = body;
        this.metrics = metrics;
        this.database = database;
        this.thread = Thread.ofPlatform().name("baton-worker-" + name).daemon().unstarted(this::run);
    }

    /** How {@link #close} wakes a body that waits by itself (interval zero). */
    BackgroundLoop wakeUpWith(Runnable r) {
        this.wakeUp = r;
        return this;
    }

    BackgroundLoop start() {
        thread.start();
        return this;
    }

    boolean isClosed() {
        return closed.getCount() == 0;
    }

    /** Asks the loop to stop after its current iteration, and returns at once. */
    void stop() {
        closed.countDown();
        wakeUp.run();
    }

    /** Stops after the current iteration, waiting for it at most {@code timeout}. */
    void close(Duration timeout) {
        stop();
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join(timeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    private void run() {
        while (!isClosed()) {
            Duration pause = interval;
            try {
                body.runOnce();
                if (consecutiveFailures > 0) {
                    log.info("{} loop recovered after {} failed iteration(s)", name, consecutiveFailures);
                    consecutiveFailures = 0;
                }
            } catch (Throwable t) {
                failed(t);
                pause = interval.compareTo(MIN_FAILURE_PAUSE) < 0 ? MIN_FAILURE_PAUSE : interval;
            }
            if (!pause.isZero()) {
                try {
                    closed.await(pause.toNanos(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void failed(Throwable t) {
        consecutiveFailures++;
        metrics.loopError(name);
        boolean unreachable = DatabaseHealth.isConnectionProblem(t);
        if (unreachable) {
            database.unreachable(t);
        }
        long now = System.nanoTime();
        if (consecutiveFailures == 1 || now - lastWarningNanos >= REPEAT_WARNING_NANOS) {
            lastWarningNanos = now;
            String what = unreachable ? "database unreachable" : "failed";
            if (consecutiveFailures == 1 && !unreachable) {
                log.warn("{} loop {}, carrying on: {}", name, what, Failures.summary(t), t);
            } else {
                log.warn("{} loop {} ({} times in a row), carrying on: {}", name, what, consecutiveFailures,
                        Failures.summary(t));
            }
        }
    }
}
