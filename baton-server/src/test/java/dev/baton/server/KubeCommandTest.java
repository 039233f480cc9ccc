package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code baton kube render}: manifests on standard output only, so it can be piped to kubectl. */
class KubeCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return BatonCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
    }

    private Path spec(String yaml) throws IOException {
        return Files.writeString(dir.resolve("baton.yaml"), yaml);
    }

    @Test
    void renderPrintsOnlyParseableManifestsToStandardOutput() throws IOException {
        Path spec = spec("""
                app: shop
                instances: 2
                run: "java -jar /app/shop.jar --port {port}"
                worker: { kinds: [email.send] }
                """);

        int code = run("kube", "render", spec.toString(), "--image", "registry.example.com/shop:v7",
                "--namespace", "payments");

        assertThat(code).isZero();
        assertThat(err.toString()).isEmpty();
        List<JsonNode> docs;
        try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(out.toString())) {
            docs = it.readAll();
        }
        assertThat(docs).extracting(d -> d.path("kind").asText())
                .containsExactly("Deployment", "Service", "PodDisruptionBudget");
        assertThat(docs).allSatisfy(d -> assertThat(d.path("metadata").path("namespace").asText()).isEqualTo("payments"));
        JsonNode container = docs.getFirst().path("spec").path("template").path("spec").path("containers").get(0);
        assertThat(container.path("image").asText()).isEqualTo("registry.example.com/shop:v7");
        assertThat(docs.getFirst().path("spec").path("replicas").asInt()).isEqualTo(2);
    }

    @Test
    void rbacPrintsTheLeastTheControlPlaneNeedsInThePodsNamespace() throws IOException {
        Path spec = spec("""
                app: shop
                run: "java -jar /app/shop.jar --port {port}"
                kubernetes: { image: "registry.example.com/shop:{version}", namespace: payments, database_secret: shop-db }
                """);

        assertThat(run("kube", "render", spec.toString(), "--rbac")).isZero();

        List<JsonNode> docs;
        try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(out.toString())) {
            docs = it.readAll();
        }
        assertThat(docs).extracting(d -> d.path("kind").asText()).containsExactly("ServiceAccount", "Role", "RoleBinding");
        assertThat(docs).allSatisfy(d -> assertThat(d.path("metadata").path("namespace").asText()).isEqualTo("payments"));
        JsonNode rules = docs.get(1).path("rules");
        assertThat(rules.get(0).path("resources").get(0).asText()).isEqualTo("pods");
        assertThat(rules.get(0).path("verbs").toString()).isEqualTo("[\"get\",\"list\",\"watch\",\"create\",\"delete\"]");
        assertThat(rules.get(2).path("resourceNames").get(0).asText()).isEqualTo("shop-db");
        assertThat(out.toString()).doesNotContain("ClusterRole").doesNotContain("\"*\"");
        assertThat(docs.get(2).path("subjects").get(0).path("name").asText()).isEqualTo("shop-baton");
    }

    @Test
    void theImageDefaultsToTheSpecFilesVersion() throws IOException {
        Path spec = spec("app: shop\nversion: v3\nrun: \"java -jar /app/shop.jar\"\n");

        assertThat(run("kube", "render", spec.toString())).isZero();

        assertThat(out.toString()).contains("image: shop:v3").contains("value: v3");
    }

    @Test
    void aNamespaceThatIsNotADnsLabelExitsWithTwoNamingTheOptionAndPrintsNothingToStandardOutput() throws IOException {
        Path spec = spec("app: shop\nrun: \"java -jar /app/shop.jar\"\n");

        int code = run("kube", "render", spec.toString(), "--namespace", "Not_A_Label");

        assertThat(code).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--namespace: must be a DNS label");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aBadImageOrPreStopExitsWithTwoNamingTheOption() throws IOException {
        Path spec = spec("app: shop\nrun: \"java -jar /app/shop.jar\"\n");

        assertThat(run("kube", "render", spec.toString(), "--image", "Shop:v1")).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--image: not a valid image reference 'Shop:v1'");
        assertThat(run("kube", "render", spec.toString(), "--pre-stop", "soon")).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--pre-stop: not a duration 'soon'");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void anInvalidSpecOrAMissingFileExitsWithTwo() throws IOException {
        Path spec = spec("app: shop\nrun: \"java -jar /app/shop.jar\"\ninstances: 0\n");

        assertThat(run("kube", "render", spec.toString())).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("instances:");
        assertThat(run("kube", "render", dir.resolve("missing.yaml").toString())).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("SPEC: no such file");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void installPrintsTheControlPlaneAndProxiesForTheNamespaceAndTheChosenServiceType() throws IOException {
        Path spec = spec("""
                app: shop
                run: "java -jar /app/shop.jar --port {port}"
                kubernetes: { image: "registry.example.com/shop:{version}", namespace: payments }
                """);

        int code = run("kube", "install", spec.toString(), "--service-type", "NodePort", "--proxy-replicas", "3",
                "--kube-version", "1.20");

        assertThat(code).isZero();
        assertThat(err.toString()).isEmpty();
        List<JsonNode> docs;
        try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(out.toString())) {
            docs = it.readAll();
        }
        assertThat(docs).extracting(d -> d.path("kind").asText()).contains("Deployment", "Service",
                "PodDisruptionBudget", "Role", "Secret").doesNotContain("ClusterRole");
        assertThat(docs).filteredOn(d -> !d.path("kind").asText().equals("Namespace"))
                .allSatisfy(d -> assertThat(d.path("metadata").path("namespace").asText()).isEqualTo("payments"));
        assertThat(docs).filteredOn(d -> d.path("kind").asText().equals("Service")).singleElement()
                .satisfies(d -> assertThat(d.path("spec").path("type").asText()).isEqualTo("NodePort"));
        assertThat(docs).filteredOn(d -> d.path("kind").asText().equals("PodDisruptionBudget")).singleElement()
                .satisfies(d -> assertThat(d.path("apiVersion").asText()).isEqualTo("policy/v1beta1"));
    }

    @Test
    void installRefusesBadOptionsAndASpecWithoutKubernetesNamingThemWithExitTwo() throws IOException {
        Path spec = spec("app: shop\nrun: \"java -jar /app/shop.jar\"\nkubernetes: { image: \"shop:{version}\" }\n");

        assertThat(run("kube", "install", spec.toString(), "--service-type", "Ingress")).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--service-type: must be ClusterIP, NodePort or LoadBalancer");
        assertThat(run("kube", "install", spec.toString(), "--proxy-replicas", "1")).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--proxy-replicas: must be 2..100");
        assertThat(run("kube", "install", spec.toString(), "--json")).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--json: only with --apply");
        Path bare = Files.writeString(dir.resolve("bare.yaml"), "app: shop\nrun: \"java -jar /app/shop.jar\"\n");
        assertThat(run("kube", "install", bare.toString())).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("kubernetes: the spec needs a kubernetes section");
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).doesNotContain("\tat ");
    }
}
