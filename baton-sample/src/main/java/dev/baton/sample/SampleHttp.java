package dev.baton.sample;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sample's HTTP/1.1 server on its host (127.0.0.1 unless told otherwise), one virtual thread per exchange. Counts requests in
 * flight so that a drain can wait for them, and keeps accepting connections while it does: the
 * caller (a proxy) may still be taking the instance out of rotation.
 */
final class SampleHttp {

    /** Readiness as the app sees it: a verdict and the reason shown to probes. */
    record Readiness(boolean ready, String state, String reason) {}

    static final long MAX_SLOW_MS = 600_000;

    private static final Logger log = LoggerFactory.getLogger(SampleHttp.class);

    private final SampleSettings settings;
    private final Supplier<Readiness> readiness;
    private final Supplier<Boolean> draining;
    private final Orders orders;
    private final DoubleSupplier random;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object drained = new Object();
    private HttpServer server;
    private ExecutorService executor;

    SampleHttp(SampleSettings settings, Supplier<Readiness> readiness, Supplier<Boolean> draining, Orders orders,
               DoubleSupplier random) {
        this.settings = settings;
        this.readiness = readiness;
        this.draining = draining;
        this.orders = orders;
        this.random = random;
    }

    /** Binds and starts serving; returns the bound port. */
    int start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 200);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::exchange);
        server.start();
        return server.getAddress().getPort();
    }

    int inFlight() {
        return inFlight.get();
    }

    /**
     * Waits until no request is in flight or {@code timeout} has passed, then closes the listener and
     * every connection. Requests that arrive meanwhile are still served. Safe before start and twice.
     *
     * @return how many requests were still in flight when the timeout cut them off
     */
    int drain(Duration timeout) throws InterruptedException {
        if (server == null) {
            return 0;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (drained) {
            long left;
            while (inFlight.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
                drained.wait(Math.max(1, left / 1_000_000));
            }
        }
        int cut = inFlight.get();
        // A request that slipped in after the count reached zero gets up to a second.
        server.stop(cut > 0 ? 0 : 1);
        executor.shutdownNow();
        return cut;
    }

    private void exchange(HttpExchange ex) throws IOException {
        inFlight.incrementAndGet();
        try (ex) {
            String requestId = ex.getRequestHeaders().getFirst("X-Request-Id");
            if (requestId != null) {
                ex.getResponseHeaders().set("X-Request-Id", requestId);
            }
            ex.getResponseHeaders().set("X-Baton-Version", settings.version());
            if (draining.get()) {
                ex.getResponseHeaders().set("Connection", "close");
            }
            route(ex);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.debug("client went away: {}", e.toString());
        } catch (RuntimeException e) {
            log.warn("request {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
            trySend(ex, 500, "internal error: " + e.getMessage() + "\n");
        } finally {
            if (inFlight.decrementAndGet() == 0) {
                synchronized (drained) {
                    drained.notifyAll();
                }
            }
        }
    }

    private void route(HttpExchange ex) throws IOException, InterruptedException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        if (!path.startsWith("/health/")) {
            Thread.sleep(settings.misbehaviour().latency());
        }
        switch (path) {
            case "/health/live" -> requireGet(ex, () -> send(ex, 200, "text/plain", "live\n"));
            case "/health/ready" -> requireGet(ex, () -> ready(ex));
            case "/hello" -> requireGet(ex, () -> hello(ex));
            case "/slow" -> requireGet(ex, () -> slow(ex));
            case "/orders" -> {
                if (!method.equals("POST")) {
                    ex.getResponseHeaders().set("Allow", "POST");
                    send(ex, 405, "text/plain", "method " + method + " not allowed on /orders; use POST\n");
                } else {
                    order(ex);
                }
            }
            default -> send(ex, 404, "text/plain", "no such path: " + path
                    + " (try /hello, /slow?ms=N, POST /orders, /health/live, /health/ready)\n");
        }
    }

    private interface Action {
        void run() throws IOException, InterruptedException;
    }

    private void requireGet(HttpExchange ex, Action action) throws IOException, InterruptedException {
        if (ex.getRequestMethod().equals("GET") || ex.getRequestMethod().equals("HEAD")) {
            action.run();
        } else {
            ex.getResponseHeaders().set("Allow", "GET, HEAD");
            send(ex, 405, "text/plain", "method " + ex.getRequestMethod() + " not allowed; use GET\n");
        }
    }

    private void ready(HttpExchange ex) throws IOException {
        Readiness r = readiness.get();
        ObjectNode body = Json.MAPPER.createObjectNode().put("ready", r.ready()).put("state", r.state())
                .put("reason", r.reason()).put("version", settings.version()).put("in_flight", inFlight.get() - 1);
        send(ex, r.ready() ? 200 : 503, "application/json", body + "\n");
    }

    private void hello(HttpExchange ex) throws IOException {
        double rate = settings.misbehaviour().errorRate();
        if (rate > 0 && random.getAsDouble() < rate) {
            send(ex, 500, "text/plain", "injected error (SAMPLE_ERROR_RATE=" + rate + ") from version "
                    + settings.version() + "\n");
            return;
        }
        send(ex, 200, "text/plain", "hello from version " + settings.version() + "\n");
    }

    private void slow(HttpExchange ex) throws IOException, InterruptedException {
        String query = ex.getRequestURI().getQuery();
        String ms = null;
        if (query != null) {
            for (String part : query.split("&")) {
                if (part.startsWith("ms=")) {
                    ms = part.substring(3);
                }
            }
        }
        long millis;
        try {
            millis = ms == null ? 1000 : SettingText.millis("ms", ms, 0, MAX_SLOW_MS);
        } catch (IllegalArgumentException e) {
            send(ex, 400, "text/plain", e.getMessage() + "\n");
            return;
        }
        Thread.sleep(millis);
        send(ex, 200, "text/plain", "slept " + millis + " ms in version " + settings.version() + "\n");
    }

    private void order(HttpExchange ex) throws IOException {
        if (orders == null) {
            send(ex, 503, "text/plain", "orders need a database: set BATON_DATABASE_URL\n");
            return;
        }
        String key;
        Long ms = null;
        try (InputStream in = ex.getRequestBody()) {
            byte[] raw = in.readNBytes(64 * 1024 + 1);
            if (raw.length > 64 * 1024) {
                send(ex, 413, "text/plain", "body: at most 64 KiB\n");
                return;
            }
            JsonNode body = raw.length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(raw);
            if (body == null || !body.isObject()) {
                throw new IllegalArgumentException("body: must be a JSON object like {\"key\": \"o-1\", \"ms\": 100}");
            }
            JsonNode k = body.get("key");
            if (k != null && (!k.isTextual() || k.asText().isBlank() || k.asText().length() > 200)) {
                throw new IllegalArgumentException("key: must be a string of 1..200 characters");
            }
            key = k == null ? "order-" + java.util.UUID.randomUUID() : k.asText();
            JsonNode m = body.get("ms");
            if (m != null && !m.isNull()) {
                if (!m.canConvertToLong() || m.asLong() < 0 || m.asLong() > WorkHandler.MAX_MS) {
                    throw new IllegalArgumentException("ms: must be whole milliseconds within 0.." + WorkHandler.MAX_MS);
                }
                ms = m.asLong();
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            send(ex, 400, "text/plain", "body: not valid JSON: " + e.getOriginalMessage() + "\n");
            return;
        } catch (IllegalArgumentException e) {
            send(ex, 400, "text/plain", e.getMessage() + "\n");
            return;
        }
        Orders.Order order;
        try {
            order = orders.create(key, ms);
        } catch (java.sql.SQLException | RuntimeException e) {
            log.warn("order {} could not be created: {}", key, e.toString());
            send(ex, 503, "text/plain", "order not created, database error: " + e.getMessage() + "\n");
            return;
        }
        ObjectNode body = Json.MAPPER.createObjectNode().put("order_id", order.orderId()).put("job_id", order.jobId())
                .put("key", order.key()).put("created", order.created());
        send(ex, order.created() ? 201 : 200, "application/json", body + "\n");
    }

    private static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType + "; charset=utf-8");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static void trySend(HttpExchange ex, int status, String body) {
        try {
            send(ex, status, "text/plain", body);
        } catch (IOException | RuntimeException e) {
            log.debug("could not send the error response: {}", e.toString());
        }
    }
}
