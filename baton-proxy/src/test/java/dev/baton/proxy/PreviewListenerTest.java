package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The preview port serves a blue-green deploy's green through the proxy before it takes any traffic. */
class PreviewListenerTest {

    EdgeProxy edge;

    @AfterEach
    void tearDown() {
        edge.close();
    }

    @Test
    void thePreviewPortServesOnlyThePreviewVersionAndTheTrafficPortNeverDoes() throws Exception {
        edge = new EdgeProxy(ProxyConfig.builder().preview(new InetSocketAddress("127.0.0.1", 0)));
        RecordingBackend blue = edge.backend("blue");
        RecordingBackend green = edge.backend("green");
        int previewPort = edge.proxy.previewAddress().getPort();
        RouteTable twoVersions = new RouteTable(List.of(new VersionRoute("v1", 100, List.of(blue.id())),
                new VersionRoute("v2", 0, List.of(green.id()))), false);

        edge.proxy.setRouteTable(twoVersions);
        EdgeProxy.Conn early = edge.connect(previewPort);
        early.send("GET /smoke HTTP/1.1\r\nHost: shop\r\n\r\n");
        assertThat(early.response()).as("nothing on preview yet").startsWith("HTTP/1.1 503");

        edge.proxy.setRouteTable(twoVersions.withPreview("v2"));
        EdgeProxy.Conn preview = edge.connect(previewPort);
        EdgeProxy.Conn traffic = edge.connect();
        for (int i = 0; i < 5; i++) {
            preview.send("GET /smoke HTTP/1.1\r\nHost: shop\r\n\r\n");
            assertThat(preview.response()).endsWith("green /smoke");
            traffic.send("GET /page HTTP/1.1\r\nHost: shop\r\n\r\n");
            assertThat(traffic.response()).endsWith("blue /page");
        }
        assertThat(edge.proxy.metrics().get("v2").requests()).as("preview requests stay out of v2's analysis").isZero();
        assertThat(edge.proxy.pinnedMetrics().get("v2").requests()).isEqualTo(5);
    }
}
