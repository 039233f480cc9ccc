package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedPeersTest {

    @Test
    void matchesAddressesInsideItsBlocksOnly() throws Exception {
        TrustedPeers t = TrustedPeers.parse("10.0.0.0/8, 192.168.1.7, 172.16.0.0/12, ::1/128");
        assertThat(t.contains(InetAddress.getByName("10.200.3.4"))).isTrue();
        assertThat(t.contains(InetAddress.getByName("11.0.0.1"))).isFalse();
        assertThat(t.contains(InetAddress.getByName("192.168.1.7"))).isTrue();
        assertThat(t.contains(InetAddress.getByName("192.168.1.8"))).isFalse();
        assertThat(t.contains(InetAddress.getByName("172.31.255.255"))).isTrue();
        assertThat(t.contains(InetAddress.getByName("172.32.0.0"))).isFalse();
        assertThat(t.contains(InetAddress.getByName("::1"))).isTrue();
        assertThat(TrustedPeers.NONE.contains(InetAddress.getByName("127.0.0.1"))).isFalse();
    }

    @Test
    void refusesWhatIsNotAnAddressOrBlockWithoutAskingDns() {
        assertThatThrownBy(() -> TrustedPeers.parse("lb.example")).hasMessageContaining("'lb.example'");
        assertThatThrownBy(() -> TrustedPeers.parse("cafe")).hasMessageContaining("'cafe'");
        assertThatThrownBy(() -> TrustedPeers.parse("10.0.0.0/33")).hasMessageContaining("prefix length");
    }

    @Test
    void isWrittenAndReadAsAListInJson() throws Exception {
        ObjectMapper json = new ObjectMapper();
        TrustedPeers t = new TrustedPeers(List.of("10.0.0.0/8", "::1"));
        assertThat(json.writeValueAsString(t)).isEqualTo("[\"10.0.0.0/8\",\"::1\"]");
        assertThat(json.readValue("[\"10.0.0.0/8\",\"::1\"]", TrustedPeers.class)).isEqualTo(t);
    }
}
