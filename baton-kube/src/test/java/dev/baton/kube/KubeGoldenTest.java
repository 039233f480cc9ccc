package dev.baton.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.rollout.AppSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * One full render against a reviewed file ({@code kube/shop.k8s.yaml}, also shown in docs/kubernetes.md). After
 * an intended change, regenerate it with {@code -Dkube.golden.update=true} and review the diff.
 */
class KubeGoldenTest {

    @Test
    void theShopSpecRendersExactlyAsReviewed() throws IOException {
        AppSpec spec = AppSpec.parse(resource("kube/shop.spec.yaml"));

        String rendered = KubeManifests.render(spec,
                KubeOptions.of("shop", "registry.example.com/shop:v42").withNamespace("shop"));

        if (Boolean.getBoolean("kube.golden.update")) {
            Files.writeString(Path.of("src/test/resources/kube/shop.k8s.yaml"), rendered);
        }
        assertThat(rendered).isEqualTo(resource("kube/shop.k8s.yaml"));
        assertThat(Rendered.parse(rendered).documents()).hasSize(3);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = KubeGoldenTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
