package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the client receives, byte for byte, now that response heads are read in place and bodies pass
 * through: a backend on a raw socket answers with exact bytes, the client reads with a raw socket.
 */
class ResponseInPlaceTest {

    EdgeProxy edge;
    ServerSocket backend;

    @AfterEach
    void tearDown() throws IOException {
        edge.close();
        backend.close();
    }

    /** A backend that answers every request on every connection with {@code response}, then closes if asked. */
    private void backendAnswering(String response, boolean closeAfter) throws Exception {
        backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!backend.isClosed()) {
                try {
                    Socket s = backend.accept();
                    Thread.ofVirtual().start(() -> serve(s, response, closeAfter));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        edge = new EdgeProxy();
        edge.proxy.setRouteTable(RouteTable.single("v1", List.of("127.0.0.1:" + backend.getLocalPort())));
    }

    private static void serve(Socket s, String response, boolean closeAfter) {
        try (s) {
            InputStream in = s.getInputStream();
            while (true) {
                StringBuilder head = new StringBuilder();
                int c;
                while (!head.toString().endsWith("\r\n\r\n")) {
                    if ((c = in.read()) == -1) {
                        return;
                    }
                    head.append((char) c);
                }
                s.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                if (closeAfter) {
                    return;
                }
            }
        } catch (IOException e) {
            // the proxy closed the connection
        }
    }

    private String get(String method) throws IOException {
        return RawHttp.exchange(edge.proxy.port(), method + " /r HTTP/1.1\r\nHost: shop\r\nConnection: close\r\n\r\n");
    }

    @Test
    void aChunkedResponseReachesTheClientWithItsChunksExtensionsAndTrailersAsSent() throws Exception {
        String body = "4;part=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Digest: abc\r\n\r\n";
        backendAnswering("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nx-Mixed-Case:  two  spaces\r\n\r\n" + body,
                false);

        assertThat(get("GET")).isEqualTo("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n"
                + "x-Mixed-Case:  two  spaces\r\nConnection: close\r\nVia: 1.1 baton\r\n\r\n" + body);
    }

    @Test
    void hopByHopLinesOfAResponseAreDroppedAndItsViaLinesJoined() throws Exception {
        backendAnswering("HTTP/1.1 201 Made It\r\nKeep-Alive: timeout=5\r\nConnection: keep-alive, X-Internal\r\n"
                + "X-Internal: secret\r\nVia: 1.1 inner\r\nContent-Length: 2\r\n\r\nok", false);

        assertThat(get("GET")).isEqualTo("HTTP/1.1 201 Made It\r\nContent-Length: 2\r\nConnection: close\r\n"
                + "Via: 1.1 inner, 1.1 baton\r\n\r\nok");
    }

    @Test
    void aBodyDelimitedByTheBackendClosingIsReframedAsChunked() throws Exception {
        backendAnswering("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close", true);

        assertThat(get("GET")).isEqualTo("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n"
                + "Transfer-Encoding: chunked\r\nVia: 1.1 baton\r\n\r\nb\r\nuntil close\r\n0\r\n\r\n");
    }

    @Test
    void aHeadResponseHasNoBodyAndTheConnectionServesTheNextRequest() throws Exception {
        backendAnswering("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", false);
        try (EdgeProxy.Conn c = edge.connect()) {
            c.send("HEAD /h HTTP/1.1\r\nHost: shop\r\n\r\n");
            assertThat(c.head()).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
                    + "Via: 1.1 baton\r\n\r\n");
            c.send("HEAD /h2 HTTP/1.1\r\nHost: shop\r\n\r\n");
            assertThat(c.head()).startsWith("HTTP/1.1 200 OK\r\n");
        }
    }

    @Test
    void aMalformedResponseHeadIs502() throws Exception {
        backendAnswering("HTTP/1.1 200 OK\r\nBad Header: x\r\nContent-Length: 2\r\n\r\nok", false);

        assertThat(RawHttp.status(get("GET"))).isEqualTo(502);
    }
}
