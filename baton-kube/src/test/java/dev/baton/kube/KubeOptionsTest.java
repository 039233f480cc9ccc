package dev.baton.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KubeOptionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "Shop:v1", "shop:", "shop::v1", "-shop", "shop:v1 ", "shop:-v1", "shop@sha256:abc",
            "registry.example.com:port/shop"})
    void aBadImageIsRefusedNamingTheOption(String image) {
        assertThatThrownBy(() -> KubeOptions.of("shop", image))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("image:")
                .hasMessageContaining("[registry[:port]/]name[:tag]");
    }

    @ParameterizedTest
    @CsvSource({
            "shop, latest",
            "shop:v42, v42",
            "registry.example.com:5000/team/shop:2024.06.01-rc1, 2024.06.01-rc1",
            "localhost:5000/shop, latest",
            "ghcr.io/acme/shop@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, 0123456789ab"})
    void theVersionIsTheImagesTagOrDigest(String image, String version) {
        assertThat(KubeOptions.of("shop", image).effectiveVersion()).isEqualTo(version);
        assertThat(KubeOptions.of("shop", image).withVersion("v7").effectiveVersion()).isEqualTo("v7");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Payments", "pay_ments", "-payments", "payments-", "a.b",
            "a234567890123456789012345678901234567890123456789012345678901234"})
    void aNamespaceThatIsNotADnsLabelIsRefusedNamingTheOption(String namespace) {
        KubeOptions ok = KubeOptions.of("shop", "shop:v1");

        assertThatThrownBy(() -> ok.withNamespace(namespace))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("namespace:")
                .hasMessageContaining("DNS label");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1s", "6m"})
    void aPreStopOutsideZeroToFiveMinutesIsRefused(String text) {
        Duration d = text.startsWith("-") ? Duration.ofSeconds(-1) : Duration.ofMinutes(6);

        assertThatThrownBy(() -> KubeOptions.of("shop", "shop:v1").withPreStop(d)).hasMessageStartingWith("pre-stop:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bad_Secret", "", "x/y"})
    void aDatabaseSecretThatIsNotAnObjectNameIsRefused(String name) {
        assertThatThrownBy(() -> new KubeOptions("shop:v1", null, null, name, Duration.ZERO))
                .hasMessageStartingWith("database-secret:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1-", "has space", "a234567890123456789012345678901234567890123456789012345678901234"})
    void aVersionThatCannotBeALabelIsRefused(String version) {
        assertThatThrownBy(() -> KubeOptions.of("shop", "shop:v1").withVersion(version)).hasMessageStartingWith("version:");
    }
}
