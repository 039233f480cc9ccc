package dev.baton.proxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health checks: every interval, {@code GET path} on each backend of the live table that
 * may still become READY. A 2xx/3xx within the timeout is a success. The loop never dies: a failing
 * round is logged and counted, and the next one runs.
 */
final class HealthChecker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

    private final HealthCheck check;
    private final Router router;
    private final ScheduledExecutorService scheduler;
    private final HttpClient http;
    private final LongAdder loopErrors = new LongAdder();

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
            var ids = router.routes().table.backendIds();
            for (String id : ids) {
                Backend b = router.backend(id);
                if (b != null && b.state().recoverable()) {
                    probe(b);
                }
            }
        } catch (Throwable t) {
            loopErrors.increment();
            log.error("health check round failed; next round runs as planned", t);
        }
    }

    private void probe(Backend b) {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + b.id() + check.path()))
                .timeout(check.timeout())
                .GET()
                .build();
        http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((res, err) -> {
            boolean ok = err == null && res.statusCode() >= 200 && res.statusCode() < 400;
            if (!ok && log.isDebugEnabled()) {
                log.debug("health check of {} failed: {}", b.id(), err != null ? err.toString() : res.statusCode());
            }
            b.checked(ok, check);
        });
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
