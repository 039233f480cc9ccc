package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProxyForwardingTest {

    ProxyFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new ProxyFixture();
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void forwardsRequestWithForwardedHeadersAndWithoutHopByHopHeaders() throws Exception {
        TestBackend b = f.backend("blue");
        f.routeAndWaitReady(RouteTable.single("v1", List.of(b.id())));

        String raw = RawHttp.exchange(f.proxy.port(), "GET /hello HTTP/1.1\r\nHost: shop.example\r\n"
                + "Connection: close, X-Secret\r\nX-Secret: s3cr3t\r\nKeep-Alive: timeout=5\r\n"
                + "X-Forwarded-For: 203.0.113.7\r\nTE: trailers\r\n\r\n");

        assertThat(RawHttp.status(raw)).isEqualTo(200);
        assertThat(raw).endsWith("blue").containsIgnoringCase("Via: 1.1 baton");
        var h = b.lastHeaders();
        assertThat(h.get("X-Forwarded-For")).isEqualTo("127.0.0.1"); // the client's claim is not trusted
        assertThat(h.get("Forwarded")).isEqualTo("for=127.0.0.1;proto=http;host=\"shop.example\"");
        assertThat(h.get("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(h.get("X-Forwarded-Host")).isEqualTo("shop.example");
        assertThat(h.get("Via")).isEqualTo("1.1 baton");
        assertThat(h.contains("X-Secret")).isFalse();
        assertThat(h.contains("Keep-Alive")).isFalse();
        assertThat(h.contains("TE")).isFalse();
    }

    @Test
    void cleartextHttp2UpgradeOfferIsDeclinedAndTheRequestServedAsHttp11() throws Exception {
        TestBackend b = f.backend("blue");
        f.routeAndWaitReady(RouteTable.single("v1", List.of(b.id())));

        // java.net.http's default client offers "Upgrade: h2c" on plain http:// URLs.
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_2).build();
        for (int i = 0; i < 3; i++) {
            var response = client.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + f.proxy.port() + "/hello"))
                    .timeout(java.time.Duration.ofSeconds(10)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("blue");
            assertThat(response.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_1_1);
        }
        var h = b.lastHeaders();
        assertThat(h.contains("Upgrade")).as("the proxy speaks HTTP/1.1 to backends").isFalse();
        assertThat(h.contains("HTTP2-Settings")).isFalse();
    }

    @Test
    void upgradeDeclinedByTheBackendIsAnsweredAsAnOrdinaryResponse() throws Exception {
        TestBackend b = f.backend("blue");
        f.routeAndWaitReady(RouteTable.single("v1", List.of(b.id())));

        try (java.net.Socket s = new java.net.Socket("127.0.0.1", f.proxy.port())) {
            s.setSoTimeout(5000);
            var out = s.getOutputStream();
            out.write(("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.flush();
            String first = readResponse(s);
            assertThat(RawHttp.status(first)).isEqualTo(200);
            assertThat(first).endsWith("blue");
        }
    }

    /** Reads one response framed by Content-Length. */
    private static String readResponse(java.net.Socket s) throws java.io.IOException {
        var in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.append((char) c);
        }
        var m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return head + new String(in.readNBytes(length), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Test
    void keepAliveReusesPooledBackendConnections() throws Exception {
        TestBackend b = f.backend("blue");
        f.routeAndWaitReady(RouteTable.single("v1", List.of(b.id())));

        for (int i = 0; i < 200; i++) {
            assertThat(f.get("/n" + i).statusCode()).isEqualTo(200);
        }

        assertThat(b.requests()).isEqualTo(200);
        assertThat(f.proxy.openBackendConnections()).isLessThanOrEqualTo(2);
    }

    @Test
    void streamsLargeRequestAndResponseBodiesIntact() throws Exception {
        TestBackend b = f.backend("blue");
        f.routeAndWaitReady(RouteTable.single("v1", List.of(b.id())));
        String body = "x".repeat(700_000) + "end";

        HttpResponse<String> res = f.client.send(HttpRequest.newBuilder(f.uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(body);
    }

    @Test
    void noReadyBackendAnswers503WithRetryAfter() throws Exception {
        TestBackend b = f.backend("blue");
        b.healthy(false);
        f.proxy.setRouteTable(RouteTable.single("v1", List.of(b.id())));

        HttpResponse<String> res = f.get("/");

        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(b.requests()).isZero();
    }

    @Test
    void holdsRequestsUpToThePauseLimitWhileNoBackendIsReady() throws Exception {
        f.close();
        f = new ProxyFixture(ProxyConfig.builder().pauseLimit(Duration.ofSeconds(20)));
        TestBackend b = f.backend("blue");
        b.healthy(false);
        f.proxy.setRouteTable(RouteTable.single("v1", List.of(b.id())));

        var pending = f.client.sendAsync(HttpRequest.newBuilder(f.uri("/held")).build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> f.proxy.metrics().get("v1") != null);
        assertThat(pending).isNotDone();
        b.healthy(true);

        assertThat(pending.get().statusCode()).isEqualTo(200);
        assertThat(pending.get().body()).isEqualTo("blue");
    }

    @Test
    void versionHeaderPinsTheRequestToThatVersion() throws Exception {
        TestBackend blue = f.backend("blue");
        TestBackend green = f.backend("green");
        f.routeAndWaitReady(new RouteTable(List.of(new VersionRoute("v1", 100, List.of(blue.id())),
                new VersionRoute("v2", 0, List.of(green.id()))), false,
                new PinRule(BatonProxy.VERSION_HEADER, TrustedPeers.NONE), null));

        for (int i = 0; i < 20; i++) {
            HttpResponse<String> res = f.client.send(HttpRequest.newBuilder(f.uri("/"))
                    .header(BatonProxy.VERSION_HEADER, "v2").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.body()).isEqualTo("green");
        }
        assertThat(f.get("/").body()).isEqualTo("blue");
    }

    @Test
    void stickyCookieKeepsAClientOnTheVersionFirstChosen() throws Exception {
        TestBackend blue = f.backend("blue");
        TestBackend green = f.backend("green");
        f.routeAndWaitReady(new RouteTable(List.of(new VersionRoute("v1", 50, List.of(blue.id())),
                new VersionRoute("v2", 50, List.of(green.id()))), true));

        HttpResponse<String> first = f.get("/");
        String cookie = first.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> res = f.client.send(HttpRequest.newBuilder(f.uri("/")).header("Cookie", cookie)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.body()).isEqualTo(first.body());
            assertThat(res.headers().firstValue("Set-Cookie")).isEmpty();
        }
    }

    @Test
    void headRequestGetsHeadersWithoutBody() throws Exception {
        TestBackend b = f.backend("blue");
        f.routeAndWaitReady(RouteTable.single("v1", List.of(b.id())));

        HttpResponse<String> res = f.client.send(HttpRequest.newBuilder(f.uri("/"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEmpty();
        assertThat(f.get("/after-head").body()).isEqualTo("blue");
    }
}
