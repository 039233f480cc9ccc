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

    @Test
    void theShopInstallRendersExactlyAsReviewed() throws IOException {
        String text = resource("kube/shop-install.spec.yaml");

        String rendered = InstallManifests.render(AppSpec.parse(text), text, InstallOptions.of("shop", "shop"),
                KubeVersion.LATEST, new InstallTokens("api-token-for-the-golden-file", "proxy-token-for-the-golden-file"));

        if (Boolean.getBoolean("kube.golden.update")) {
            Files.writeString(Path.of("src/test/resources/kube/shop.install.yaml"), rendered);
        }
        assertThat(rendered).isEqualTo(resource("kube/shop.install.yaml"));
        assertThat(Rendered.parse(rendered).documents()).extracting(d -> d.path("kind").asText()).containsExactly(
                "Namespace", "ServiceAccount", "Role", "RoleBinding", "Secret", "ConfigMap", "Deployment",
                "Deployment", "Service", "PodDisruptionBudget");
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
