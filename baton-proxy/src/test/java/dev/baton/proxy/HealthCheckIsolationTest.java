package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One backend's health check never holds up or fails another's. */
class HealthCheckIsolationTest {

    ProxyFixture f;
    AdminServer admin;

    @AfterEach
    void tearDown() {
        if (admin != null) {
            admin.close();
        }
        f.close();
    }

    @Test
    void aRouteTableWithAnInvalidBackendIsRefusedNamingTheEntryAndTheLiveTableStays() throws Exception {
        f = new ProxyFixture();
        TestBackend good = f.backend("good");
        f.routeAndWaitReady(RouteTable.single("v1", List.of(good.id())));
        admin = new AdminServer(f.proxy, new java.net.InetSocketAddress("127.0.0.1", 0), "token-0123456789").start();

        HttpResponse<String> res = f.client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + admin.port() + "/v1/routes"))
                .header("Authorization", "Bearer token-0123456789")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"versions\":[{\"name\":\"v1\",\"weight\":100,"
                        + "\"backends\":[\"" + good.id() + "\",\"x y:80\"]}]}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.body()).contains("versions[0].backends[1]").contains("x y");
        assertThat(f.proxy.routeTable().backendIds()).containsExactly(good.id());
        assertThat(f.get("/").statusCode()).isEqualTo(200);
    }

    @Test
    void aGoodBackendBecomesAndStaysReadyAmongAThousandUnreachableOnes() throws Exception {
        f = new ProxyFixture(ProxyConfig.builder().healthCheck(
                new HealthCheck("/health", Duration.ofMillis(200), Duration.ofMillis(500), 2, 2)), 0);
        TestBackend good = f.backend("good");
        List<String> backends = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            backends.add("127.1." + (i / 250) + "." + (i % 250 + 1) + ":1"); // nothing listens: refused
        }
        backends.add(good.id());
        f.proxy.setRouteTable(RouteTable.single("v1", backends));

        f.awaitState(good.id(), BackendState.READY);
        // Several more rounds: it is checked again and again, and never fails behind the others.
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertThat(f.proxy.backend(good.id()).orElseThrow().state()).isEqualTo(BackendState.READY);
            return System.nanoTime() > until;
        });
        assertThat(f.get("/").body()).isEqualTo("good");
    }

    @Test
    void metricsOfVersionsThatLeftTheTableAreDropped() throws Exception {
        f = new ProxyFixture(ProxyConfig.builder().healthCheck(null), 0);
        TestBackend a = f.backend("a");
        TestBackend b = f.backend("b");
        f.proxy.setRouteTable(new RouteTable(List.of(new VersionRoute("v1", 100, List.of(a.id())),
                new VersionRoute("v2", 0, List.of(b.id()))), false));
        assertThat(f.proxy.metrics()).containsOnlyKeys("v1", "v2");

        f.proxy.setRouteTable(RouteTable.single("v3", List.of(a.id())));

        assertThat(f.proxy.metrics()).containsOnlyKeys("v3");
        assertThat(f.proxy.pinnedMetrics()).containsOnlyKeys("v3");
    }
}
