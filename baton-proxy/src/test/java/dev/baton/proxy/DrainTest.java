package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DrainTest {

    ProxyFixture f;
    TestBackend a;
    TestBackend b;

    @BeforeEach
    void setUp() throws Exception {
        f = new ProxyFixture();
        a = f.backend("a");
        b = f.backend("b");
        f.routeAndWaitReady(RouteTable.single("v1", List.of(a.id(), b.id())));
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void drainingBackendFinishesInFlightRequestsAndGetsNoNewOnes() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            slow.add(f.client.sendAsync(HttpRequest.newBuilder(f.uri("/slow?ms=1500")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> a.inProgress() > 0 && b.inProgress() > 0);
        int aBefore = a.requests();

        CompletableFuture<DrainResult> drain = f.proxy.drain(a.id(), Duration.ofSeconds(30));
        assertThat(f.proxy.isIdle(a.id())).isFalse();
        for (int i = 0; i < 30; i++) {
            assertThat(f.get("/new").body()).isEqualTo("b");
        }

        for (var r : slow) {
            assertThat(r.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        DrainResult result = drain.get(20, TimeUnit.SECONDS);
        assertThat(result.completed()).isTrue();
        assertThat(a.requests()).isEqualTo(aBefore);
        assertThat(f.proxy.backend(a.id()).orElseThrow().state()).isEqualTo(BackendState.STOPPED);
        assertThat(f.proxy.isIdle(a.id())).isTrue();
        assertThat(f.proxy.backend(a.id()).orElseThrow().openConnections()).isZero();
        assertThat(f.proxy.drain(a.id(), Duration.ofSeconds(30))).isSameAs(drain);
    }

    @Test
    void drainDeadlineCutsRequestsStillInFlight() throws Exception {
        f.proxy.drain(b.id(), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        var hung = f.client.sendAsync(HttpRequest.newBuilder(f.uri("/slow?ms=60000")).build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> a.inProgress() == 1);

        DrainResult result = f.proxy.drain(a.id(), Duration.ofMillis(300)).get(10, TimeUnit.SECONDS);

        assertThat(result.completed()).isFalse();
        assertThat(result.cutRequests()).isEqualTo(1);
        assertThat(hung.handle((r, e) -> e != null || r.statusCode() >= 500).get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void webSocketStaysOpenDuringDrainUntilItCloses() throws Exception {
        f.proxy.drain(b.id(), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        Messages messages = new Messages();
        WebSocket ws = f.client.newWebSocketBuilder().buildAsync(
                java.net.URI.create("ws://127.0.0.1:" + f.proxy.port() + "/ws"), messages).get(10, TimeUnit.SECONDS);
        ws.sendText("one", true).get(5, TimeUnit.SECONDS);
        assertThat(messages.next()).isEqualTo("echo:one");
        assertThat(f.proxy.backend(a.id()).orElseThrow().upgraded()).isEqualTo(1);

        CompletableFuture<DrainResult> drain = f.proxy.drain(a.id(), Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(5)).until(() -> !f.proxy.isIdle(a.id()));
        ws.sendText("two", true).get(5, TimeUnit.SECONDS);
        assertThat(messages.next()).isEqualTo("echo:two");
        assertThat(drain).isNotDone();

        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        DrainResult result = drain.get(20, TimeUnit.SECONDS);
        assertThat(result.completed()).isTrue();
        assertThat(result.cutUpgraded()).isZero();
    }

    @Test
    void webSocketIsClosedWhenTheDrainDeadlinePasses() throws Exception {
        f.proxy.drain(b.id(), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        Messages messages = new Messages();
        WebSocket ws = f.client.newWebSocketBuilder().buildAsync(
                java.net.URI.create("ws://127.0.0.1:" + f.proxy.port() + "/ws"), messages).get(10, TimeUnit.SECONDS);
        ws.sendText("one", true).get(5, TimeUnit.SECONDS);
        assertThat(messages.next()).isEqualTo("echo:one");

        DrainResult result = f.proxy.drain(a.id(), Duration.ofMillis(300)).get(10, TimeUnit.SECONDS);

        assertThat(result.completed()).isFalse();
        assertThat(result.cutUpgraded()).isEqualTo(1);
        assertThat(messages.closed.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void awaitIdleReportsWhenTheLastRequestFinished() throws Exception {
        f.proxy.drain(b.id(), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        var slow = f.client.sendAsync(HttpRequest.newBuilder(f.uri("/slow?ms=800")).build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> a.inProgress() == 1);

        assertThat(f.proxy.awaitIdle(a.id(), Duration.ofMillis(50)).get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(f.proxy.awaitIdle(a.id(), Duration.ofSeconds(20)).get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(slow.get().statusCode()).isEqualTo(200);
    }

    @Test
    void drainIsIdempotentAndSafeBeforeStart() throws Exception {
        try (BatonProxy idle = new BatonProxy(ProxyConfig.builder().healthCheck(null).build())) {
            idle.setRouteTable(RouteTable.single("v1", List.of("127.0.0.1:1")));
            CompletableFuture<DrainResult> first = idle.drain("127.0.0.1:1", Duration.ofSeconds(1));
            assertThat(idle.drain("127.0.0.1:1", Duration.ofSeconds(1))).isSameAs(first);
            assertThat(first.get(5, TimeUnit.SECONDS).completed()).isTrue();
            assertThat(idle.backend("127.0.0.1:1").orElseThrow().state()).isEqualTo(BackendState.STOPPED);
        }
    }

    /** Collects text messages and the close of a WebSocket. */
    static final class Messages implements WebSocket.Listener {
        final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final CompletableFuture<Boolean> closed = new CompletableFuture<>();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            texts.add(data.toString());
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closed.complete(true);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(true);
        }

        String next() throws InterruptedException {
            return texts.poll(10, TimeUnit.SECONDS);
        }
    }
}
