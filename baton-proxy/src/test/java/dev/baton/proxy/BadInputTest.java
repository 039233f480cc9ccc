package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BadInputTest {

    ProxyFixture f;
    TestBackend b;

    @BeforeEach
    void setUp() throws Exception {
        f = new ProxyFixture(ProxyConfig.builder().maxBodyBytes(1000).maxHeaderBytes(2048)
                .backendTimeout(Duration.ofMillis(500)));
        b = f.backend("blue");
        f.routeAndWaitReady(RouteTable.single("v1", List.of(b.id())));
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private int send(String raw) throws Exception {
        return RawHttp.status(RawHttp.exchange(f.proxy.port(), raw));
    }

    @Test
    void malformedRequestLineIs400() throws Exception {
        assertThat(send("GARBAGE\r\n\r\n")).isEqualTo(400);
        assertThat(send("GET / HTTP/1.1\r\nHost: x\r\nBad Header Name: y\r\n\r\n")).isEqualTo(400);
        assertThat(b.requests()).isZero();
    }

    @Test
    void headerSectionTooLargeIs431() throws Exception {
        assertThat(send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(4000) + "\r\n\r\n")).isEqualTo(431);
    }

    @Test
    void contentLengthWithTransferEncodingIs400() throws Exception {
        assertThat(send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n")).isEqualTo(400);
        assertThat(b.requests()).isZero();
    }

    @Test
    void conflictingContentLengthsAre400() throws Exception {
        assertThat(send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde"))
                .isEqualTo(400);
        assertThat(b.requests()).isZero();
    }

    @Test
    void bodyOverTheLimitIs413WhetherDeclaredOrChunked() throws Exception {
        assertThat(send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n")).isEqualTo(413);
        String chunk = Integer.toHexString(600) + "\r\n" + "y".repeat(600) + "\r\n";
        assertThat(send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk
                + "0\r\n\r\n")).isEqualTo(413);
    }

    @Test
    void backendTooSlowIs504() throws Exception {
        b.mode(TestBackend.Mode.HANG);
        assertThat(f.get("/").statusCode()).isEqualTo(504);
    }

    @Test
    void unreachableBackendWithNoRetryLeftIs502() throws Exception {
        b.mode(TestBackend.Mode.RESET);
        HttpResponse<String> res = f.get("/");
        assertThat(res.statusCode()).isEqualTo(502);
    }

    @Test
    void abusiveClientsLeaveNoConnectionOpenAndTheProxyKeepsServing() throws Exception {
        for (int i = 0; i < 5; i++) {
            send("GARBAGE\r\n\r\n");
            send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(4000) + "\r\n\r\n");
            RawHttp.writeAndClose(f.proxy.port(), "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
            send("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        }
        b.mode(TestBackend.Mode.HANG);
        for (int i = 0; i < 5; i++) {
            // Each gets its 504 after the backend timeout and then leaves its keep-alive connection.
            assertThat(RawHttp.status(RawHttp.firstResponse(f.proxy.port(), "GET /hang HTTP/1.1\r\nHost: x\r\n\r\n")))
                    .isEqualTo(504);
        }
        b.mode(TestBackend.Mode.NORMAL);

        assertThat(f.get("/still-alive").body()).isEqualTo("blue");
        f.client.shutdownNow();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(f.proxy.openClientConnections()).isZero();
            assertThat(f.proxy.backend(b.id()).orElseThrow().inFlight()).isZero();
        });
        // What remains towards the backend are pooled keep-alive connections only.
        assertThat(f.proxy.openBackendConnections()).isLessThanOrEqualTo(2);
    }
}
