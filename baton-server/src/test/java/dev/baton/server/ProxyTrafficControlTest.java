package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.proxy.RouteTable;
import dev.baton.proxy.TrustedPeers;
import dev.baton.rollout.WebSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyTrafficControlTest {

    @Test
    void theTableItPublishesCarriesTheSpecsPinningAndThePreviewVersionInTheProxysShape() throws Exception {
        ProxyTrafficControl traffic = new ProxyTrafficControl((ProxyAdmin) null, "0.0.0.0", null,
                new WebSpec.PinSpec("X-Try", List.of("10.0.0.0/8")));

        RouteTable table = new ObjectMapper().readValue(traffic.tableJson(), RouteTable.class);

        assertThat(table.pin().header()).isEqualTo("X-Try");
        assertThat(table.pin().trustedPeers()).isEqualTo(new TrustedPeers(List.of("10.0.0.0/8")));
        assertThat(table.preview()).isNull();
        assertThat(traffic.previewHost()).as("a wildcard listener is reached on loopback").isEqualTo("127.0.0.1");
    }

    @Test
    void withoutPinningInTheSpecTheTableHasNone() throws Exception {
        ProxyTrafficControl traffic = new ProxyTrafficControl((ProxyAdmin) null, "127.0.0.1", 8081, null);
        assertThat(new ObjectMapper().readValue(traffic.tableJson(), RouteTable.class).pin()).isNull();
    }
}
