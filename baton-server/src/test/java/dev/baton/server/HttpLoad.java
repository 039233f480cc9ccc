package dev.baton.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady HTTP load at a fixed rate (open loop: a slow answer does not slow the sending), each request with a
 * unique id, each classified ok (2xx) or failed (any other status, or an I/O error), with the failures kept
 * for the assertion message and the versions that answered counted.
 */
final class HttpLoad implements AutoCloseable {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    private final URI uri;
    final AtomicLong sent = new AtomicLong();
    final AtomicLong ok = new AtomicLong();
    final AtomicLong inFlight = new AtomicLong();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final Map<String, AtomicLong> byBody = new ConcurrentHashMap<>();

    HttpLoad(int port, int perSecond) {
        this.uri = URI.create("http://127.0.0.1:" + port + "/");
        ticker.scheduleAtFixedRate(this::send, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
    }

    private void send() {
        long id = sent.incrementAndGet();
        inFlight.incrementAndGet();
        HttpRequest req = HttpRequest.newBuilder(uri.resolve("/?req=" + id)).timeout(Duration.ofSeconds(30)).GET().build();
        http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((res, err) -> {
            if (err != null) {
                failures.add("#" + id + " " + err);
            } else if (res.statusCode() / 100 != 2) {
                failures.add("#" + id + " status " + res.statusCode() + " " + res.body().strip());
            } else {
                ok.incrementAndGet();
                byBody.computeIfAbsent(res.body().split(" ")[2], k -> new AtomicLong()).incrementAndGet();
            }
            inFlight.decrementAndGet();
        });
    }

    long answeredBy(String version) {
        return byBody.getOrDefault(version, new AtomicLong()).get();
    }

    /** Stops sending and waits (bounded) for the answers still due. */
    @Override
    public void close() throws InterruptedException {
        ticker.shutdownNow();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}
