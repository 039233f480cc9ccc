package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Request smuggling, probed as an attacker would: raw sockets in, exact bytes recorded at the backend. */
class SmugglingTest {

    EdgeProxy edge;

    @AfterEach
    void tearDown() {
        edge.close();
    }

    @Test
    void aBodyHiddenBehindConnectionContentLengthNeverBecomesARequestAndAnotherClientGetsItsOwnResponse()
            throws Exception {
        edge = new EdgeProxy();
        RecordingBackend backend = edge.backend("b");
        edge.proxy.setRouteTable(RouteTable.single("v1", List.of(backend.id())));
        String smuggled = "GET /SMUGGLED HTTP/1.1\r\nHost: shop\r\n\r\n";

        String attacker = edge.exchange("POST /x HTTP/1.1\r\nHost: shop\r\nConnection: keep-alive, Content-Length\r\n"
                + "Content-Length: " + smuggled.length() + "\r\n\r\n" + smuggled);
        EdgeProxy.Conn victim = edge.connect();
        victim.send("GET /victim HTTP/1.1\r\nHost: shop\r\nAuthorization: Bearer secret\r\n\r\n");
        String victimGot = victim.response();

        assertThat(RawHttp.status(attacker)).isEqualTo(400);
        assertThat(RawHttp.status(victimGot)).isEqualTo(200);
        assertThat(victimGot).endsWith("b /victim");
        assertThat(backend.received()).extracting(RecordingBackend.Received::target).containsExactly("/victim");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length", "transfer-encoding", "Host", "keep-alive, CONTENT-LENGTH"})
    void aConnectionHeaderThatNamesAFramingOrRoutingHeaderIsRefused(String named) throws Exception {
        edge = new EdgeProxy();
        RecordingBackend backend = edge.backend("b");
        edge.proxy.setRouteTable(RouteTable.single("v1", List.of(backend.id())));

        String res = edge.exchange("POST /x HTTP/1.1\r\nHost: shop\r\nConnection: " + named + "\r\n"
                + "Content-Length: 5\r\n\r\nhello");

        assertThat(RawHttp.status(res)).isEqualTo(400);
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void theBackendReadsTheSameMessageBoundariesAsTheProxy() throws Exception {
        edge = new EdgeProxy();
        RecordingBackend backend = edge.backend("b");
        edge.proxy.setRouteTable(RouteTable.single("v1", List.of(backend.id())));
        EdgeProxy.Conn c = edge.connect();

        c.send("POST /chunked HTTP/1.1\r\nHost: shop\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
        assertThat(c.response()).endsWith("b /chunked");
        c.send("POST /length HTTP/1.1\r\nHost: shop\r\nContent-Length: 3\r\n\r\nabc");
        assertThat(c.response()).endsWith("b /length");
        c.send("GET /none HTTP/1.1\r\nHost: shop\r\n\r\n");
        assertThat(c.response()).endsWith("b /none");

        var got = backend.received();
        assertThat(got).extracting(RecordingBackend.Received::target).containsExactly("/chunked", "/length", "/none");
        assertThat(got.get(0).body()).isEqualTo("hello world");
        assertThat(got.get(0).all("transfer-encoding")).containsExactly("chunked");
        assertThat(got.get(0).header("content-length")).isNull();
        assertThat(got.get(1).body()).isEqualTo("abc");
        assertThat(got.get(1).all("content-length")).containsExactly("3");
        assertThat(got.get(2).header("content-length")).isNull();
        assertThat(got.get(2).header("transfer-encoding")).isNull();
    }
}
