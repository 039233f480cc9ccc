package dev.baton.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /health/live}, {@code /health/ready} and {@code /metrics} on the worker's own port.
 * Read-only, so no token; it binds to loopback unless configured otherwise.
 */
final class HealthServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthServer.class);

    private final HttpServer server;
    private final ExecutorService executor;

    private HealthServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Binds and starts serving; port 0 picks a free port, see {@link #port()}. */
    static HealthServer start(String host, int port, Supplier<Readiness> readiness, Supplier<String> metrics) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 50);
        } catch (IOException e) {
            throw new UncheckedIOException("health server: cannot listen on " + host + ":" + port + ": "
                    + e.getMessage(), e);
        }
        server.createContext("/", exchange -> handle(exchange, readiness, metrics));
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.start();
        HealthServer health = new HealthServer(server, executor);
        log.info("health and metrics on http://{}:{}/ (/health/live, /health/ready, /metrics)", host, health.port());
        return health;
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }

    private static void handle(HttpExchange exchange, Supplier<Readiness> readiness, Supplier<String> metrics)
            throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "method not allowed: " + method + " (use GET)\n", "text/plain; charset=utf-8");
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/health/live" -> send(exchange, 200, "live\n", "text/plain; charset=utf-8");
                case "/health/ready" -> {
                    Readiness r = readiness.get();
                    send(exchange, r.ready() ? 200 : 503, r.reason() + "\n", "text/plain; charset=utf-8");
                }
                case "/metrics" -> send(exchange, 200, metrics.get(), PrometheusText.CONTENT_TYPE);
                default -> send(exchange, 404,
                        "not found: try /health/live, /health/ready or /metrics\n", "text/plain; charset=utf-8");
            }
        } catch (RuntimeException e) {
            log.warn("health server: {} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI(),
                    e.toString());
        }
    }

    private static void send(HttpExchange exchange, int status, String body, String contentType) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
