package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackendAddressTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:8080", "app-1.internal:80", "localhost:1", "[::1]:8080", "[fe80::1:2]:65535",
        "10.0.0.7:443"})
    void acceptsDnsNamesIpv4AndBracketedIpv6(String text) {
        assertThat(BackendAddress.parse(text).toString()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x y:80", "host:0", "host:65536", "host:8o", ":80", "host:", "::1:80", "[host]:80",
        "256.1.1.1:80", "a_b:80", "-a:80", "host/x:80", "h@st:80", "a..b:80", "[::1]80"})
    void refusesAnythingElseSayingWhatIsWrong(String text) {
        assertThatThrownBy(() -> BackendAddress.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(text.contains("]80") ? "port" : "");
    }

    @Test
    void anIpv6BackendIsConnectedToWithoutItsBrackets() {
        assertThat(BackendAddress.parse("[::1]:8080").socketAddress().getAddress().getHostAddress())
                .isEqualTo("0:0:0:0:0:0:0:1");
    }
}
