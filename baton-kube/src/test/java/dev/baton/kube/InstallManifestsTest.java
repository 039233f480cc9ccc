package dev.baton.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.rollout.AppSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstallManifestsTest {
    static final String SPEC = """
            app: shop
            listen: 8080
            instances: 2
            run: "java -jar /app/shop.jar --port {port}"
            web: { readiness: /health/ready }
            kubernetes: { image: "registry.example.com/shop:{version}" }
            """;
    static final InstallTokens TOKENS = new InstallTokens("a".repeat(20), "p".repeat(20));

    static Rendered install(InstallOptions options, KubeVersion kube) {
        return Rendered.parse(InstallManifests.render(AppSpec.parse(SPEC), SPEC, options, kube, TOKENS));
    }

    static JsonNode named(Rendered r, String kind, String name) {
        return r.documents().stream().filter(d -> d.path("kind").asText().equals(kind)
                        && d.path("metadata").path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in\n" + r.text()));
    }

    @Test
    void theDatabaseUrlComesOnlyFromItsSecretAndTheTokensOnlyFromMountedFiles() {
        Rendered r = install(InstallOptions.of("shop", "shop"), KubeVersion.LATEST);
        JsonNode cp = named(r, "Deployment", "shop-baton").path("spec").path("template").path("spec");
        JsonNode c = cp.path("containers").get(0);

        assertThat(c.path("env")).hasSize(1);
        assertThat(c.path("env").get(0).path("name").asText()).isEqualTo("BATON_DATABASE_URL");
        assertThat(c.path("env").get(0).path("valueFrom").path("secretKeyRef").path("name").asText())
                .isEqualTo("shop-database");
        for (JsonNode d : r.documents()) {
            if (!d.path("kind").asText().equals("Secret")) {
                assertThat(d.toString()).doesNotContain(TOKENS.api()).doesNotContain(TOKENS.proxy());
            }
        }
        assertThat(cp.path("serviceAccountName").asText()).isEqualTo("shop-baton");
        assertThat(named(r, "Deployment", "shop-baton").path("spec").path("replicas").asInt()).isEqualTo(2);
        assertThat(cp.path("volumes").get(2).path("secret").path("defaultMode").asInt()).isEqualTo(0400);
    }

    @Test
    void onAHostWhosePodsShareItsNetworkEachProxyBindsItsPodIpAndTheApiAnyFreeLoopbackPort() {
        JsonNode isolated = named(install(InstallOptions.of("shop", "shop"), KubeVersion.LATEST), "Deployment",
                "shop-baton-proxy").path("spec").path("template").path("spec").path("containers").get(0);
        Rendered r = install(InstallOptions.of("shop", "shop").withPodNetwork(InstallOptions.PodNetwork.SHARED_HOST),
                KubeVersion.LATEST);
        JsonNode proxy = named(r, "Deployment", "shop-baton-proxy").path("spec").path("template").path("spec")
                .path("containers").get(0);
        JsonNode cp = named(r, "Deployment", "shop-baton").path("spec").path("template").path("spec")
                .path("containers").get(0);

        assertThat(isolated.path("command").toString()).contains("\"0.0.0.0:9901\"");
        assertThat(isolated.has("env")).isFalse();
        assertThat(proxy.path("command").toString()).contains("\"$(POD_IP):9901\"").doesNotContain("0.0.0.0");
        assertThat(proxy.path("env").get(0).path("name").asText()).isEqualTo("POD_IP");
        assertThat(proxy.path("env").get(0).path("valueFrom").path("fieldRef").path("fieldPath").asText())
                .isEqualTo("status.podIP");
        assertThat(cp.path("command").toString()).contains("\"--api-port\",\"7070\"")
                .contains("\"--api-host\",\"$(POD_IP)\"");
        assertThat(cp.path("env").toString()).contains("status.podIP");
    }

    @Test
    void batonsOwnPodsGoOnlyWhereThePlacementSaysAndAnywhereByDefault() {
        Rendered r = install(InstallOptions.of("shop", "shop").withPlacement(
                InstallOptions.Placement.dedicated("pool", "baton")), KubeVersion.LATEST);
        Rendered anywhere = install(InstallOptions.of("shop", "shop"), KubeVersion.LATEST);

        for (String name : List.of("shop-baton", "shop-baton-proxy")) {
            JsonNode pod = named(r, "Deployment", name).path("spec").path("template").path("spec");
            assertThat(pod.path("nodeSelector").path("pool").asText()).as(name).isEqualTo("baton");
            assertThat(pod.path("tolerations").get(0).toString()).as(name)
                    .isEqualTo("{\"key\":\"pool\",\"operator\":\"Equal\",\"value\":\"baton\",\"effect\":\"NoSchedule\"}");
            JsonNode free = named(anywhere, "Deployment", name).path("spec").path("template").path("spec");
            assertThat(free.has("nodeSelector") || free.has("tolerations")).as(name).isFalse();
        }
    }

    @Test
    void theRoleAllowsPodsTheirLogsEventsAndLeasesAndNothingClusterWide() {
        Rendered r = install(InstallOptions.of("shop", "shop"), KubeVersion.LATEST);
        List<String> resources = new ArrayList<>();
        named(r, "Role", "shop-baton").path("rules").forEach(rule -> rule.path("resources")
                .forEach(x -> resources.add(x.asText())));

        assertThat(resources).contains("pods", "pods/log", "events", "leases");
        assertThat(r.documents()).noneMatch(d -> d.path("kind").asText().startsWith("Cluster"));
    }

    @Test
    void proxiesAreSeveralSpreadAcrossNodesReadyOnlyWithATableAndBehindTheChosenServiceType() {
        Rendered r = install(InstallOptions.of("shop", "shop").withProxyReplicas(3)
                .withServiceType(InstallOptions.ServiceType.LoadBalancer), KubeVersion.LATEST);
        JsonNode proxy = named(r, "Deployment", "shop-baton-proxy").path("spec");

        assertThat(proxy.path("replicas").asInt()).isEqualTo(3);
        assertThat(proxy.path("template").path("spec").path("affinity").path("podAntiAffinity")
                .path("preferredDuringSchedulingIgnoredDuringExecution").get(0).path("podAffinityTerm")
                .path("topologyKey").asText()).isEqualTo("kubernetes.io/hostname");
        JsonNode c = proxy.path("template").path("spec").path("containers").get(0);
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/ready");
        assertThat(c.path("command").toString()).doesNotContain("--state-file");
        JsonNode service = named(r, "Service", "shop");
        assertThat(service.path("spec").path("type").asText()).isEqualTo("LoadBalancer");
        assertThat(service.path("spec").path("selector")).isEqualTo(proxy.path("selector").path("matchLabels"));
        assertThat(named(r, "PodDisruptionBudget", "shop-baton-proxy").path("spec").path("selector").path("matchLabels"))
                .isEqualTo(proxy.path("selector").path("matchLabels"));
    }

    @Test
    void noInstalledPodCarriesTheLabelsTheDriverTakesForTheAppsInstances() {
        Rendered r = install(InstallOptions.of("shop", "shop"), KubeVersion.LATEST);

        for (String name : List.of("shop-baton", "shop-baton-proxy")) {
            JsonNode labels = named(r, "Deployment", name).path("spec").path("template").path("metadata").path("labels");
            assertThat(labels.path(Labels.NAME).asText()).isNotEqualTo("shop");
            assertThat(labels.has(Labels.MANAGED_BY)).isFalse();
        }
    }

    @Test
    void aKubernetes120ClusterGetsPolicyV1beta1AndAnExecPreStop() {
        Rendered old = install(InstallOptions.of("shop", "shop"), KubeVersion.parse("1.20"));
        JsonNode budget = named(old, "PodDisruptionBudget", "shop-baton-proxy");

        assertThat(budget.path("apiVersion").asText()).isEqualTo("policy/v1beta1");
        assertThat(budget.path("spec").has("unhealthyPodEvictionPolicy")).isFalse();
        assertThat(named(old, "Deployment", "shop-baton-proxy").path("spec").path("template").path("spec")
                .path("containers").get(0).path("lifecycle").path("preStop").path("exec").path("command").get(0)
                .asText()).isEqualTo("sleep");
        assertThat(named(install(InstallOptions.of("shop", "shop"), KubeVersion.parse("v1.21.3")),
                "PodDisruptionBudget", "shop-baton-proxy").path("apiVersion").asText()).isEqualTo("policy/v1");
    }

    @Test
    void kubeRenderForKubernetes120WritesNoFieldThatServerWouldDrop() {
        Rendered old = Rendered.parse(KubeManifests.render(KubeManifestsTest.spec(""),
                KubeOptions.of("shop", KubeManifestsTest.IMAGE), KubeVersion.parse("1.20")));

        assertThat(old.kind("PodDisruptionBudget").path("apiVersion").asText()).isEqualTo("policy/v1beta1");
        assertThat(old.kind("PodDisruptionBudget").path("spec").has("unhealthyPodEvictionPolicy")).isFalse();
        assertThat(old.container().path("lifecycle").path("preStop").has("sleep")).isFalse();
        assertThat(old.container().path("lifecycle").path("preStop").path("exec").isMissingNode()).isFalse();
    }

    @Test
    void badOptionsAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> InstallOptions.of("shop", "shop").withProxyReplicas(1))
                .hasMessageStartingWith("proxy-replicas: must be 2..100");
        assertThatThrownBy(() -> InstallOptions.ServiceType.parse("Ingress"))
                .hasMessageStartingWith("service-type: must be ClusterIP, NodePort or LoadBalancer");
        assertThatThrownBy(() -> InstallOptions.of("shop", "Shop"))
                .hasMessageStartingWith("namespace: must be a DNS label");
        assertThatThrownBy(() -> KubeVersion.parse("twenty"))
                .hasMessageStartingWith("kube-version: must be MAJOR.MINOR");
        assertThatThrownBy(() -> InstallManifests.render(KubeManifestsTest.spec(""), "", InstallOptions.of("shop", "shop"),
                KubeVersion.LATEST, TOKENS)).hasMessageStartingWith("kubernetes: the spec needs a kubernetes section");
    }
}
