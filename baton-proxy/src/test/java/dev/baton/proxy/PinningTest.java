package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** No client can steer itself onto a version without traffic, or into a canary's analysis, unless configured. */
class PinningTest {

    EdgeProxy edge;
    RecordingBackend stable;
    RecordingBackend canary;

    @BeforeEach
    void setUp() throws Exception {
        edge = new EdgeProxy();
        stable = edge.backend("stable");
        canary = edge.backend("canary");
    }

    @AfterEach
    void tearDown() {
        edge.close();
    }

    private RouteTable table(boolean sticky, PinRule pin) {
        return new RouteTable(List.of(new VersionRoute("v1", 100, List.of(stable.id())),
                new VersionRoute("v2", 0, List.of(canary.id()))), sticky, pin, null);
    }

    private String get(String extraHeaders) throws Exception {
        return edge.exchange("GET /p HTTP/1.1\r\nHost: shop\r\n" + extraHeaders + "Connection: close\r\n\r\n");
    }

    @Test
    void theVersionHeaderMeansNothingUnlessTheRouteTableTurnsPinningOn() throws Exception {
        edge.proxy.setRouteTable(table(false, null));
        for (int i = 0; i < 10; i++) {
            assertThat(get("X-Baton-Version: v2\r\n")).endsWith("stable /p");
        }
        assertThat(canary.received()).isEmpty();
        assertThat(edge.proxy.metrics().get("v2").requests()).isZero();
    }

    @Test
    void pinnedRequestsReachTheirVersionAndAreCountedApartFromItsAnalysedTraffic() throws Exception {
        edge.proxy.setRouteTable(table(false, new PinRule("X-Try-Version", TrustedPeers.NONE)));
        for (int i = 0; i < 10; i++) {
            assertThat(get("X-Try-Version: v2\r\n")).endsWith("canary /p");
        }
        assertThat(get("X-Baton-Version: v2\r\n")).as("only the configured header pins").endsWith("stable /p");

        assertThat(edge.proxy.metrics().get("v2").requests()).isZero();
        assertThat(edge.proxy.pinnedMetrics().get("v2").requests()).isEqualTo(10);
        assertThat(edge.proxy.pinnedMetrics().get("v2").responses2xx()).isEqualTo(10);
    }

    @Test
    void onlyTrustedPeersMayPinWhenTheRuleNamesThem() throws Exception {
        edge.proxy.setRouteTable(table(false, new PinRule("X-Baton-Version", TrustedPeers.parse("10.0.0.0/8"))));
        assertThat(get("X-Baton-Version: v2\r\n")).endsWith("stable /p");

        edge.proxy.setRouteTable(table(false, new PinRule("X-Baton-Version", TrustedPeers.parse("127.0.0.1"))));
        assertThat(get("X-Baton-Version: v2\r\n")).endsWith("canary /p");
    }

    @Test
    void theStickyCookieCannotTakeARequestToAVersionWithoutWeight() throws Exception {
        edge.proxy.setRouteTable(table(true, null));
        for (int i = 0; i < 10; i++) {
            assertThat(get("Cookie: baton_version=v2\r\n")).endsWith("stable /p");
        }
        assertThat(canary.received()).isEmpty();
    }
}
