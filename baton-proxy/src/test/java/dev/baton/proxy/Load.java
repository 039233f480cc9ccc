package dev.baton.proxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Closed-loop load: {@code threads} clients each send requests one after another until
 * {@code total} were sent. Every request carries a unique X-Request-Id and is recorded as an
 * {@link Outcome}; a failure is anything but a 2xx (including an exception).
 */
final class Load {

    record Outcome(String requestId, int phaseAtStart, int phaseAtEnd, int status, String body, String error) {
        boolean ok() {
            return error == null && status >= 200 && status < 300;
        }
    }

    private Load() {
    }

    static List<Outcome> run(HttpClient client, URI uri, String method, int threads, int total, IntSupplier phase)
            throws Exception {
        return run(client, uri, method, threads, total, phase, new AtomicInteger());
    }

    /** As above; {@code completed} counts finished requests as they finish. */
    static List<Outcome> run(HttpClient client, URI uri, String method, int threads, int total, IntSupplier phase,
                             AtomicInteger completed) throws Exception {
        Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    int n;
                    while ((n = next.getAndIncrement()) < total) {
                        String id = "r" + n;
                        int p = phase.getAsInt();
                        try {
                            HttpResponse<String> res = client.send(HttpRequest.newBuilder(uri)
                                    .method(method, HttpRequest.BodyPublishers.noBody())
                                    .header("X-Request-Id", id).timeout(Duration.ofSeconds(30)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            outcomes.add(new Outcome(id, p, phase.getAsInt(), res.statusCode(), res.body(), null));
                        } catch (Exception e) {
                            outcomes.add(new Outcome(id, p, phase.getAsInt(), -1, "", e.toString()));
                        }
                        completed.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new ArrayList<>(outcomes);
    }
}
