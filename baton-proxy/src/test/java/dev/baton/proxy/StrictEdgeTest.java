package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a strict HTTP/1.1 edge refuses or rewrites, probed with raw sockets; the backend records what it got. */
class StrictEdgeTest {

    EdgeProxy edge;
    RecordingBackend backend;

    @BeforeEach
    void setUp() throws Exception {
        edge = new EdgeProxy();
        backend = edge.onlyBackend("b");
    }

    @AfterEach
    void tearDown() {
        edge.close();
    }

    private int status(String raw) throws Exception {
        return RawHttp.status(edge.exchange(raw));
    }

    @Test
    void anHttp11RequestWithoutHostOrWithTwoHostsIs400() throws Exception {
        assertThat(status("GET /a HTTP/1.1\r\n\r\n")).isEqualTo(400);
        assertThat(status("GET /b HTTP/1.1\r\nHost: shop\r\nHost: evil\r\n\r\n")).isEqualTo(400);
        assertThat(status("GET /c HTTP/1.1\r\nHost: shop evil\r\n\r\n")).isEqualTo(400);
        assertThat(backend.received()).isEmpty();
        assertThat(status("GET /old HTTP/1.0\r\n\r\n")).as("HTTP/1.0 may omit Host").isEqualTo(200);
    }

    @Test
    void anAbsoluteFormTargetIsForwardedInOriginFormWithHostFromTheTarget() throws Exception {
        assertThat(status("GET http://other.example:8080/x?q=1 HTTP/1.1\r\nHost: shop\r\nConnection: close\r\n\r\n"))
                .isEqualTo(200);
        var got = backend.received().getFirst();
        assertThat(got.target()).isEqualTo("/x?q=1");
        assertThat(got.all("host")).containsExactly("other.example:8080");
    }

    @Test
    void connectIs405AndAnUnknownExpectationIs417() throws Exception {
        assertThat(status("CONNECT shop:443 HTTP/1.1\r\nHost: shop:443\r\n\r\n")).isEqualTo(405);
        assertThat(status("POST /e HTTP/1.1\r\nHost: shop\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nx"))
                .isEqualTo(417);
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void aTransferEncodingOtherThanOneChunkedIsRefused() throws Exception {
        assertThat(status("POST /t HTTP/1.1\r\nHost: shop\r\nTransfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n"))
                .isEqualTo(501);
        assertThat(status("POST /t HTTP/1.1\r\nHost: shop\r\nTransfer-Encoding: chunked\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")).as("chunked twice: the codec's 400").isEqualTo(400);
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void http2InAnHttp11RequestLineIs505() throws Exception {
        assertThat(status("GET / HTTP/2.0\r\nHost: shop\r\n\r\n")).isEqualTo(505);
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void continueIsSentOnlyOnceABackendHasBeenChosen() throws Exception {
        EdgeProxy.Conn c = edge.connect();
        c.send("POST /up HTTP/1.1\r\nHost: shop\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        assertThat(c.response()).startsWith("HTTP/1.1 100 Continue");
        c.send("hello");
        assertThat(c.response()).startsWith("HTTP/1.1 200").endsWith("b /up");
        assertThat(backend.received().getFirst().body()).isEqualTo("hello");
        assertThat(backend.received().getFirst().header("expect")).isNull();

        edge.proxy.setRouteTable(RouteTable.EMPTY);
        EdgeProxy.Conn none = edge.connect();
        none.send("POST /up HTTP/1.1\r\nHost: shop\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        assertThat(none.response()).as("no backend: the answer, never a 100 first").startsWith("HTTP/1.1 503");
    }

    @Test
    void whatAnUntrustedClientSaysAboutItsAddressIsReplacedByWhatTheProxySaw() throws Exception {
        assertThat(status("GET /f HTTP/1.1\r\nHost: shop\r\nX-Forwarded-For: 203.0.113.7\r\nX-Forwarded-For: 10.1.1.1\r\n"
                + "X-Forwarded-Proto: https\r\nX-Forwarded-Host: evil\r\nForwarded: for=203.0.113.7\r\n"
                + "X-Real-IP: 203.0.113.7\r\nTrue-Client-IP: 203.0.113.7\r\nConnection: close\r\n\r\n")).isEqualTo(200);

        var got = backend.received().getFirst();
        assertThat(got.all("x-forwarded-for")).containsExactly("127.0.0.1");
        assertThat(got.all("x-forwarded-proto")).containsExactly("http");
        assertThat(got.all("x-forwarded-host")).containsExactly("shop");
        assertThat(got.all("forwarded")).containsExactly("for=127.0.0.1;proto=http;host=\"shop\"");
        assertThat(got.header("x-real-ip")).isNull();
        assertThat(got.header("true-client-ip")).isNull();
    }

    @Test
    void aTrustedProxyInFrontKeepsItsForwardingHeadersAndTheProxyAppendsToThem() throws Exception {
        edge.close();
        edge = new EdgeProxy(ProxyConfig.builder().trustedProxies(TrustedPeers.parse("127.0.0.0/8")));
        backend = edge.backend("b");
        edge.proxy.setRouteTable(RouteTable.single("v1", List.of(backend.id())));

        assertThat(status("GET /f HTTP/1.1\r\nHost: shop\r\nX-Forwarded-For: 203.0.113.7\r\nX-Forwarded-For: 10.1.1.1\r\n"
                + "X-Forwarded-Proto: https\r\nForwarded: for=203.0.113.7;proto=https\r\nX-Real-IP: 203.0.113.7\r\n"
                + "Connection: close\r\n\r\n")).isEqualTo(200);

        var got = backend.received().getFirst();
        assertThat(got.all("x-forwarded-for")).containsExactly("203.0.113.7, 10.1.1.1, 127.0.0.1");
        assertThat(got.all("x-forwarded-proto")).containsExactly("https");
        assertThat(got.all("forwarded")).containsExactly(
                "for=203.0.113.7;proto=https, for=127.0.0.1;proto=http;host=\"shop\"");
        assertThat(got.header("x-real-ip")).isEqualTo("203.0.113.7");
    }
}
