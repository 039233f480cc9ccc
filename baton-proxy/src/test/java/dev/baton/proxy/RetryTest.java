package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetryTest {

    ProxyFixture f;

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void backendKilledMidLoadCausesNoClientVisibleFailureForIdempotentRequests() throws Exception {
        f = new ProxyFixture();
        TestBackend a = f.backend("a");
        TestBackend b = f.backend("b");
        TestBackend c = f.backend("c");
        f.routeAndWaitReady(RouteTable.single("v1", List.of(a.id(), b.id(), c.id())));
        AtomicInteger completed = new AtomicInteger();
        Thread killer = Thread.ofPlatform().start(() -> {
            while (completed.get() < 1500) {
                Thread.onSpinWait();
            }
            a.kill();
        });

        List<Load.Outcome> outcomes = Load.run(f.client, f.uri("/slow?ms=2"), "GET", 8, 5000, () -> 0, completed);
        killer.join();

        assertThat(outcomes).hasSize(5000).filteredOn(o -> !o.ok()).isEmpty();
        assertThat(f.proxy.backend(a.id()).orElseThrow().state()).isEqualTo(BackendState.FAILED);
        for (TestBackend t : List.of(a, b, c)) {
            assertThat(t.byRequestId().values()).allMatch(n -> n.get() == 1);
        }
    }

    @Test
    void connectionRefusedIsRetriedOnAnotherBackendEvenForPost() throws Exception {
        f = new ProxyFixture(ProxyConfig.builder().healthCheck(null), 0);
        TestBackend a = f.backend("a");
        TestBackend b = f.backend("b");
        f.proxy.setRouteTable(RouteTable.single("v1", List.of(a.id(), b.id())));
        a.stopAccepting();

        for (int i = 0; i < 10; i++) {
            HttpResponse<String> res = f.client.send(HttpRequest.newBuilder(f.uri("/echo"))
                    .POST(HttpRequest.BodyPublishers.ofString("order-" + i)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).isEqualTo("order-" + i);
        }
        assertThat(f.proxy.backend(a.id()).orElseThrow().state()).isEqualTo(BackendState.FAILED);
        assertThat(f.proxy.metrics().get("v1").retries()).isEqualTo(1);
    }

    @Test
    void postThatReachedAFailingBackendIsNotReplayedButGetIsRetriedElsewhere() throws Exception {
        f = new ProxyFixture(ProxyConfig.builder().healthCheck(null), 0);
        TestBackend a = f.backend("a");
        TestBackend b = f.backend("b");
        f.proxy.setRouteTable(new RouteTable(List.of(new VersionRoute("v1", 100, List.of(a.id())),
                new VersionRoute("v2", 0, List.of(b.id()))), false));
        a.mode(TestBackend.Mode.RESET);

        HttpResponse<String> post = f.client.send(HttpRequest.newBuilder(f.uri("/echo"))
                .header("X-Request-Id", "p1").POST(HttpRequest.BodyPublishers.ofString("pay")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(502);
        assertThat(a.byRequestId().get("p1").get()).isEqualTo(1);
        assertThat(b.byRequestId()).doesNotContainKey("p1");

        // a was marked FAILED by the reset: bring it back, then a GET that hits the reset goes to b.
        f.close();
        f = new ProxyFixture(ProxyConfig.builder().healthCheck(null), 0);
        a = f.backend("a2");
        b = f.backend("b2");
        f.proxy.setRouteTable(RouteTable.single("v1", List.of(a.id(), b.id())));
        a.mode(TestBackend.Mode.RESET);
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> get = f.client.send(HttpRequest.newBuilder(f.uri("/")).header("X-Request-Id", "g" + i)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.body()).isEqualTo("b2");
        }
        assertThat(a.byRequestId().values()).allMatch(n -> n.get() == 1);
    }
}
