package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestTargetTest {

    @Test
    void anAbsoluteTargetGivesItsAuthorityAndOriginForm() {
        assertThat(RequestTarget.absolute("http://shop.example:8080/a/b?c=1"))
                .isEqualTo(new RequestTarget("shop.example:8080", "/a/b?c=1"));
        assertThat(RequestTarget.absolute("HTTPS://shop.example")).isEqualTo(new RequestTarget("shop.example", "/"));
        assertThat(RequestTarget.absolute("http://[::1]:80?x")).isEqualTo(new RequestTarget("[::1]:80", "/?x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/path", "*", "ftp://host/x", "http://user@host/x", "http:///x", "http://a b/x",
        "http://host#frag"})
    void anythingElseIsNotAnAbsoluteHttpTarget(String target) {
        assertThat(RequestTarget.absolute(target)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"shop", "shop.example:8080", "10.0.0.1", "[::1]", "[fe80::1]:443", "a_b.local"})
    void validHosts(String host) {
        assertThat(RequestChecks.validHost(host)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "a,b", "a/b", "a@b", ":80", "a:", "a:123456", "a:8o", "[::1", "[]", "[x]:80",
        "[::1]80", "h\u00e9"})
    void invalidHosts(String host) {
        assertThat(RequestChecks.validHost(host)).isFalse();
    }
}
