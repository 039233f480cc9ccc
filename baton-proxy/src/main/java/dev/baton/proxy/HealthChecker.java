package dev.baton.proxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health checks: every interval, {@code GET path} on each backend of the live table that
 * may still become READY. A 2xx/3xx within the timeout is a success.
 *
 * <p>Each backend's check stands alone: at most {@link #MAX_CONCURRENT} run at once, a check's
 * timeout counts from when it is sent (never from time spent waiting for its turn), a backend whose
 * last check has not finished is not queued again, and a check that fails in any way fails only for
 * its backend. A table of thousands of unreachable backends therefore delays the others' checks but
 * never fails them. The loop never dies: a failing round is logged and counted, and the next one runs.
 */
final class HealthChecker implements AutoCloseable {

    /** Checks in flight at once, across all backends. */
    static final int MAX_CONCURRENT = 64;

    private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

    private final HealthCheck check;
    private final Router router;
    private final ScheduledExecutorService scheduler;
    private final HttpClient http;
    private final LongAdder loopErrors = new LongAdder();
    private final Semaphore permits = new Semaphore(MAX_CONCURRENT);
    /** Backends queued or being checked: never queued twice. */
    private final Set<Backend> pending = ConcurrentHashMap.newKeySet();
    private final Queue<Backend> queue = new ConcurrentLinkedQueue<>();

    HealthChecker(HealthCheck check, Router router) {
        this.check = check;
        this.router = router;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "baton-proxy-health");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(check.timeout())
                .executor(scheduler)
                .build();
    }

    void start() {
        long every = check.interval().toMillis();
        scheduler.scheduleWithFixedDelay(this::round, 0, every, TimeUnit.MILLISECONDS);
    }

    /** Checks at once (e.g. after new backends were added) instead of at the next tick. */
    void checkNow() {
        if (!scheduler.isShutdown()) {
            scheduler.execute(this::round);
        }
    }

    private void round() {
        try {
            for (String id : router.routes().table.backendIds()) {
                Backend b = router.backend(id);
                if (b != null && b.state().recoverable() && pending.add(b)) {
                    queue.add(b);
                }
            }
            sendQueued();
        } catch (Throwable t) {
            loopErrors.increment();
            log.error("health check round failed; next round runs as planned", t);
        }
    }

    /**
     * Sends queued checks while fewer than {@link #MAX_CONCURRENT} are in flight. Called after every
     * enqueue and after every permit is given back, so a queued check never waits for a permit that
     * is free.
     */
    private void sendQueued() {
        while (!queue.isEmpty() && permits.tryAcquire()) {
            Backend b = queue.poll();
            if (b == null) {
                permits.release(); // another thread took the last one
            } else {
                probe(b);
            }
        }
    }

    private void probe(Backend b) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + b.id() + check.path()))
                    .timeout(check.timeout())
                    .GET()
                    .build();
            http.sendAsync(req, HttpResponse.BodyHandlers.discarding())
                    .whenComplete((res, err) -> done(b, err == null && res.statusCode() >= 200 && res.statusCode() < 400,
                            err != null ? err.toString() : String.valueOf(res.statusCode())));
        } catch (RuntimeException e) {
            done(b, false, e.toString());
        }
    }

    private void done(Backend b, boolean ok, String detail) {
        try {
            if (!ok && log.isDebugEnabled()) {
                log.debug("health check of {} failed: {}", b.id(), detail);
            }
            b.checked(ok, check);
        } catch (RuntimeException e) {
            loopErrors.increment();
            log.error("recording the health check of {} failed", b.id(), e);
        } finally {
            pending.remove(b);
            permits.release();
            sendQueued();
        }
    }

    long loopErrors() {
        return loopErrors.sum();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        http.shutdownNow();
    }
}
