package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.kube.KubeTestCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code baton kube install --apply} as an operator runs it against a real API server: a line per object, or JSON. */
@Tag("kube")
class KubeInstallOnKubernetesTest {
    private final String ns = "baton-i-" + UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    Path dir;

    @AfterEach
    void tearDown() {
        KubeTestCluster.deleteNamespace(ns);
    }

    @Test
    void applyPrintsOneLinePerObjectThenJsonSaysEachIsUnchangedAndTheTokensKept() throws Exception {
        Path spec = Files.writeString(dir.resolve("shop.yaml"), """
                app: shop
                run: "java -jar /app/shop.jar --port {port}"
                kubernetes: { image: "registry.example.com/shop:{version}" }
                """);
        String kubeconfig = KubeTestCluster.kubeconfig().toString();

        Cli first = run("kube", "install", spec.toString(), "--namespace", ns, "--apply", "--kubeconfig", kubeconfig);

        assertThat(first.code).as(first.err).isZero();
        assertThat(first.out.lines()).hasSize(11);
        assertThat(first.out).contains("created     Namespace " + ns + "\n")
                .contains("created     Deployment " + ns + "/shop-baton-proxy\n")
                .contains("created     PodDisruptionBudget " + ns + "/shop-baton-proxy\n")
                .contains("missing     Secret " + ns + "/shop-database: ");

        Cli second = run("kube", "install", spec.toString(), "--namespace", ns, "--apply", "--kubeconfig", kubeconfig,
                "--json");

        assertThat(second.code).as(second.err).isZero();
        JsonNode json = Json.MAPPER.readTree(second.out);
        assertThat(json.path("objects")).hasSize(11);
        assertThat(json.path("objects").get(4).path("action").asText()).isEqualTo("kept");
        assertThat(json.path("objects").get(6).path("action").asText()).isEqualTo("unchanged");
        assertThat(second.out).doesNotContain("token-");
    }

    private record Cli(int code, String out, String err) {}

    private static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BatonCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Cli(code, out.toString(), err.toString());
    }
}
