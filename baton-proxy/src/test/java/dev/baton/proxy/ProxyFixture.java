package dev.baton.proxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A started proxy with fast health checks, test backends and an HTTP client; closes all of it. */
final class ProxyFixture implements AutoCloseable {

    final BatonProxy proxy;
    final HttpClient client;
    private final ExecutorService clientExecutor = Executors.newFixedThreadPool(4);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    ProxyFixture() throws InterruptedException {
        this(ProxyConfig.builder());
    }

    ProxyFixture(ProxyConfig.Builder config) throws InterruptedException {
        this(config.healthCheck(new HealthCheck("/health", Duration.ofMillis(100), Duration.ofSeconds(1), 1, 2)), 0);
    }

    /** With the builder's health check as it is (null: none, backends READY at once). */
    ProxyFixture(ProxyConfig.Builder config, int unused) throws InterruptedException {
        proxy = new BatonProxy(config.ioThreads(2).build()).start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientExecutor)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    TestBackend backend(String name) throws InterruptedException {
        TestBackend b = new TestBackend(name);
        closeables.add(b);
        return b;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + proxy.port() + path);
    }

    HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sets the table and waits until every backend in it passed its health check. */
    void routeAndWaitReady(RouteTable table) {
        proxy.setRouteTable(table);
        for (String id : table.backendIds()) {
            awaitState(id, BackendState.READY);
        }
    }

    void awaitState(String id, BackendState state) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> proxy.backend(id).map(BackendView::state).orElse(null) == state);
    }

    @Override
    public void close() {
        client.shutdownNow();
        clientExecutor.shutdownNow();
        proxy.close();
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception ignored) {
                // teardown continues with the next one
            }
        }
    }
}
