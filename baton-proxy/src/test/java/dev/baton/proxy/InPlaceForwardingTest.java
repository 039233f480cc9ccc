package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the backend receives, byte for byte, now that heads are forwarded from the bytes the client
 * sent: kept lines exactly as they came (case, spacing, order), the lines the proxy owns after them,
 * and chunked bodies as they were framed (extensions and trailers included).
 */
class InPlaceForwardingTest {

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

    private String head(RecordingBackend.Received r) {
        return r.raw().substring(0, r.raw().indexOf("\r\n\r\n") + 4);
    }

    @Test
    void keptHeaderLinesReachTheBackendExactlyAsSentAndTheProxysOwnLinesFollowThem() throws Exception {
        String res = edge.exchange("GET /p?q=1 HTTP/1.1\r\nhOsT: shop\r\nX-Odd:   spaced  value\r\n"
                + "accept: */*\r\nKeep-Alive: timeout=5\r\n\r\n");

        assertThat(RawHttp.status(res)).isEqualTo(200);
        assertThat(head(backend.received().getFirst())).isEqualTo("GET /p?q=1 HTTP/1.1\r\n"
                + "hOsT: shop\r\nX-Odd:   spaced  value\r\naccept: */*\r\n"
                + "X-Forwarded-For: 127.0.0.1\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Host: shop\r\n"
                + "Forwarded: for=127.0.0.1;proto=http;host=\"shop\"\r\nVia: 1.1 baton\r\n\r\n");
    }

    @Test
    void aChunkedBodyIsForwardedWithItsFramingExtensionsAndTrailersAsSent() throws Exception {
        String body = "5;note=first\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: abc\r\n\r\n";

        String res = edge.exchange("POST /c HTTP/1.1\r\nHost: shop\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n" + body);

        assertThat(RawHttp.status(res)).isEqualTo(200);
        RecordingBackend.Received got = backend.received().getFirst();
        assertThat(got.body()).isEqualTo("hello world");
        assertThat(got.raw()).endsWith("Transfer-Encoding: chunked\r\n" + "X-Forwarded-For: 127.0.0.1\r\n"
                + "X-Forwarded-Proto: http\r\nX-Forwarded-Host: shop\r\n"
                + "Forwarded: for=127.0.0.1;proto=http;host=\"shop\"\r\nVia: 1.1 baton\r\n\r\n" + body);
    }

    @Test
    void everyViaLineOfTheRequestIsKeptInOneViaThatEndsWithTheProxy() throws Exception {
        edge.exchange("GET /v HTTP/1.1\r\nHost: shop\r\nVia: 1.0 first\r\nVia: 1.1 second, 1.1 third\r\n\r\n");

        assertThat(backend.received().getFirst().all("via"))
                .containsExactly("1.0 first, 1.1 second, 1.1 third, 1.1 baton");
    }
}
