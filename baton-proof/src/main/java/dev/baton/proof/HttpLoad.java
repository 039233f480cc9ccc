package dev.baton.proof;

import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop HTTP load: GETs {@link HttpLoadConfig#target()} on a fixed timeline (request {@code i} is
 * due at {@code start + i / rate}), whether or not earlier requests have been answered, so a stall
 * shows up as latency rather than as fewer requests. Latency is measured from the due time, not from
 * when the request actually went out (no coordinated omission). Each request carries a unique
 * {@code X-Request-Id} and ends as exactly one {@link Outcome}; none is dropped.
 *
 * <pre>{@code
 * HttpLoad load = HttpLoad.start(HttpLoadConfig.of(URI.create("http://127.0.0.1:8080/hello"), 200), System.err);
 * DeployWindow.Open deploy = load.beginDeploy("rolling v2");
 * ... deploy ...
 * DeployWindow window = deploy.end();
 * HttpLoadResult result = load.stop();
 * RequestSummary during = result.summary(window);
 * }</pre>
 *
 * <p>{@link #close()} is {@link #stop()}, for a try-with-resources block that must end the load whatever happens.
 */
public final class HttpLoad implements AutoCloseable {

    private final HttpLoadConfig config;
    private final PrintStream progress;
    private final HttpClient client;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<Long, Long> outstanding = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<RequestRecord> records = new ConcurrentLinkedQueue<>();
    private final List<DeployWindow> windows = new ArrayList<>();
    private final List<DeployWindow.Open> openWindows = new ArrayList<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong unknown = new AtomicLong();
    private final Map<String, AtomicLong> okByVersion = new ConcurrentHashMap<>();
    private final long startNanos;
    private final Thread scheduler;
    private final Thread reporter;
    private volatile boolean running = true;
    private HttpLoadResult result;

    private HttpLoad(HttpLoadConfig config, PrintStream progress) {
        this.config = config;
        this.progress = progress;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                .connectTimeout(config.timeout().compareTo(Duration.ofSeconds(5)) < 0 ? config.timeout()
                        : Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.startNanos = System.nanoTime();
        this.scheduler = Thread.ofPlatform().daemon().name("http-load-timeline").unstarted(this::timeline);
        this.reporter = progress == null || config.progressEvery().isZero() ? null
                : Thread.ofPlatform().daemon().name("http-load-progress").unstarted(this::report);
    }

    /**
     * Starts sending now.
     *
     * @param progress where progress lines go (standard error, never standard output); {@code null} for none
     */
    public static HttpLoad start(HttpLoadConfig config, PrintStream progress) {
        HttpLoad load = new HttpLoad(config, progress);
        load.scheduler.start();
        if (load.reporter != null) {
            load.reporter.start();
        }
        return load;
    }

    /** Marks the start of a deploy; requests due until {@link DeployWindow.Open#end()} count as during it. */
    public DeployWindow.Open beginDeploy(String label) {
        DeployWindow.Open open = new DeployWindow.Open(label, System.nanoTime(), this::ended);
        synchronized (windows) {
            openWindows.add(open);
        }
        return open;
    }

    /** Requests sent so far. */
    public long sent() {
        return sent.get();
    }

    /** Requests ended so far, by outcome. */
    public long ended(Outcome outcome) {
        return switch (outcome) {
            case OK -> ok.get();
            case FAILED -> failed.get();
            case UNKNOWN -> unknown.get();
        };
    }

    /** Requests answered OK so far by an instance of {@code version} (its {@code X-Baton-Version} header). */
    public long answeredBy(String version) {
        AtomicLong n = okByVersion.get(version);
        return n == null ? 0 : n.get();
    }

    /**
     * Stops the timeline, waits for the requests still out (up to the timeout, plus a second), marks any
     * still without an answer UNKNOWN, and returns every request's record. Deploy windows still open
     * end now. Idempotent: a second call returns the same result.
     */
    public synchronized HttpLoadResult stop() {
        if (result != null) {
            return result;
        }
        running = false;
        LockSupport.unpark(scheduler);
        joinQuietly(scheduler);
        long deadline = System.nanoTime() + config.timeout().plusSeconds(2).toNanos();
        while (!outstanding.isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        long now = System.nanoTime();
        for (Long seq : List.copyOf(outstanding.keySet())) {
            Long intended = outstanding.remove(seq);
            if (intended != null) {
                record(new RequestRecord(seq, id(seq), intended, now - intended, Outcome.UNKNOWN, 0,
                        "no answer when the load stopped", null));
            }
        }
        // A response thread that took its request out of `outstanding` records it a moment later:
        // wait for those too, or the result would miss a request that was answered.
        long recordDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ok.get() + failed.get() + unknown.get() < sent.get() && System.nanoTime() < recordDeadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        if (reporter != null) {
            reporter.interrupt();
            joinQuietly(reporter);
        }
        client.shutdownNow();
        executor.shutdownNow();
        List<DeployWindow> closed;
        synchronized (windows) {
            List.copyOf(openWindows).forEach(DeployWindow.Open::end);
            closed = List.copyOf(windows);
        }
        List<RequestRecord> all = new ArrayList<>(records);
        all.sort(Comparator.comparingLong(RequestRecord::seq));
        result = new HttpLoadResult(config, sent.get(), all, closed, Duration.ofNanos(now - startNanos));
        if (progress != null) {
            progress.println("load: stopped; " + result.summary().line());
        }
        return result;
    }

    @Override
    public void close() {
        stop();
    }

    private void ended(DeployWindow window) {
        synchronized (windows) {
            windows.add(window);
            openWindows.removeIf(DeployWindow.Open::isEnded);
        }
    }

    private void timeline() {
        double periodNanos = 1e9 / config.ratePerSecond();
        for (long seq = 0; running; seq++) {
            long intended = startNanos + (long) (seq * periodNanos);
            long wait;
            while (running && (wait = intended - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            if (!running) {
                return;
            }
            send(seq, intended);
        }
    }

    private void send(long seq, long intended) {
        String id = id(seq);
        outstanding.put(seq, intended);
        sent.incrementAndGet();
        try {
            HttpRequest request = HttpRequest.newBuilder(config.target()).timeout(config.timeout())
                    .header("X-Request-Id", id).GET().build();
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    // Covers a body that stalls after the headers, which the request timeout does not.
                    .orTimeout(config.timeout().toNanos() + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS)
                    .whenComplete((response, error) -> finish(seq, intended, id, response, error));
        } catch (RuntimeException e) {
            finish(seq, intended, id, null, e);
        }
    }

    private void finish(long seq, long intended, String id, HttpResponse<?> response, Throwable error) {
        long latency = System.nanoTime() - intended;
        if (outstanding.remove(seq) == null) {
            return; // already recorded as UNKNOWN by stop()
        }
        if (error != null) {
            FailureReason.Classified c = FailureReason.of(error);
            record(new RequestRecord(seq, id, intended, latency, c.outcome(), 0, c.reason(), null));
            return;
        }
        FailureReason.Classified c = FailureReason.ofStatus(response.statusCode());
        String version = response.headers().firstValue("X-Baton-Version").orElse(null);
        String echoed = response.headers().firstValue("X-Request-Id").orElse(null);
        if (c.outcome() == Outcome.OK && echoed != null && !echoed.equals(id)) {
            c = new FailureReason.Classified(Outcome.FAILED, "answer carried another request's id " + echoed);
        }
        record(new RequestRecord(seq, id, intended, latency, c.outcome(), response.statusCode(), c.reason(), version));
    }

    /** Adds before counting, so that once the counts add up to {@code sent} every record is in. */
    private void record(RequestRecord r) {
        records.add(r);
        switch (r.outcome()) {
            case OK -> {
                if (r.version() != null) {
                    okByVersion.computeIfAbsent(r.version(), v -> new AtomicLong()).incrementAndGet();
                }
                ok.incrementAndGet();
            }
            case FAILED -> failed.incrementAndGet();
            case UNKNOWN -> unknown.incrementAndGet();
        }
    }

    private void report() {
        long every = config.progressEvery().toNanos();
        try {
            while (running) {
                TimeUnit.NANOSECONDS.sleep(every);
                progress.printf("load: %ds sent %d, ok %d, failed %d, unknown %d, in flight %d%n",
                        (System.nanoTime() - startNanos) / 1_000_000_000L, sent.get(), ok.get(), failed.get(),
                        unknown.get(), outstanding.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String id(long seq) {
        return config.idPrefix() + "-" + seq;
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
