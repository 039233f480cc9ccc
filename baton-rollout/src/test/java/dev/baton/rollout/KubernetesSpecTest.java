package dev.baton.rollout;

import static dev.baton.rollout.AppSpecTest.assertErrors;
import static dev.baton.rollout.AppSpecTest.base;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubernetesSpecTest {
    @Test
    void aSpecWithoutTheSectionRunsLocallyOnly() {
        assertThat(AppSpec.parse(base("")).kubernetes()).isNull();
    }

    @Test
    void onlyAnImageGetsTheDocumentedDefaults() {
        KubernetesSpec k = AppSpec.parse(base("kubernetes: { image: 'registry.example.com/shop:{version}' }")).kubernetes();
        assertThat(k).isEqualTo(KubernetesSpec.of("shop", "registry.example.com/shop:{version}"));
        assertThat(k.image("v42")).isEqualTo("registry.example.com/shop:v42");
        assertThat(k.containerPort()).isEqualTo(8080);
        assertThat(k.databaseSecret()).isEqualTo("shop-database");
        assertThat(k.preStop()).isEqualTo(Duration.ZERO);
        assertThat(k.nodeLossToleration()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void everyFieldIsReadIntoTheRecord() {
        KubernetesSpec k = AppSpec.parse(base("""
                kubernetes:
                  image: registry.example.com/shop:{version}
                  namespace: shop
                  container_port: 9000
                  service_account: shop-runner
                  image_pull_secrets: [registry-creds]
                  node_selector: { pool: web }
                  tolerations: [ { key: dedicated, operator: Equal, value: web, effect: NoSchedule } ]
                  labels: { team: checkout }
                  annotations: { example.com/owner: "the checkout team" }
                  resources: { requests: { cpu: 250m, memory: 256Mi }, limits: { memory: 512Mi } }
                  database_secret: shop-db
                  pre_stop: 5s
                  node_loss_toleration: 10s
                """)).kubernetes();
        assertThat(k.namespace()).isEqualTo("shop");
        assertThat(k.containerPort()).isEqualTo(9000);
        assertThat(k.serviceAccount()).isEqualTo("shop-runner");
        assertThat(k.imagePullSecrets()).containsExactly("registry-creds");
        assertThat(k.nodeSelector()).isEqualTo(Map.of("pool", "web"));
        assertThat(k.tolerations()).containsExactly(
                new KubernetesSpec.Toleration("dedicated", "Equal", "web", "NoSchedule", null));
        assertThat(k.labels()).isEqualTo(Map.of("team", "checkout"));
        assertThat(k.annotations()).isEqualTo(Map.of("example.com/owner", "the checkout team"));
        assertThat(k.requests()).isEqualTo(Map.of("cpu", "250m", "memory", "256Mi"));
        assertThat(k.limits()).isEqualTo(Map.of("memory", "512Mi"));
        assertThat(k.databaseSecret()).isEqualTo("shop-db");
        assertThat(k.preStop()).isEqualTo(Duration.ofSeconds(5));
        assertThat(k.nodeLossToleration()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void everyBadFieldIsNamedWithWhatIsAllowed() {
        assertErrors(base("""
                kubernetes:
                  image: "Registry/Shop {version}"
                  namespace: Shop_NS
                  container_port: 70000
                  image_pull_secrets: creds
                  labels: { app.kubernetes.io/name: other, team: "not a label value" }
                  tolerations: [ { key: k, operator: Maybe, effect: Sometimes, seconds: 5 } ]
                  resources: { requests: { cpu: lots, gpu: 1 } }
                  pre_stop: 10m
                  node_loss_toleration: 2h
                  replicas: 3
                """),
                "kubernetes.image: must be an image reference",
                "kubernetes.namespace: must be a DNS label",
                "kubernetes.container_port: must be 1..65535, got 70000",
                "kubernetes.image_pull_secrets: must be a list of Secret names",
                "kubernetes.labels.app.kubernetes.io/name: set by Baton on every pod",
                "kubernetes.labels.team: must be a label value",
                "kubernetes.tolerations[0].operator: must be Equal or Exists, got 'Maybe'",
                "kubernetes.tolerations[0].effect: must be NoSchedule, PreferNoSchedule or NoExecute",
                "kubernetes.tolerations[0].seconds: only applies to effect NoExecute",
                "kubernetes.resources.requests.cpu: must be a quantity such as 500m",
                "kubernetes.resources.requests.gpu: unknown field; allowed: cpu, memory, ephemeral-storage",
                "kubernetes.pre_stop: must be 0s..5m, got 10m",
                "kubernetes.node_loss_toleration: must be 0s..1h (how long pods stay on a NotReady or unreachable "
                        + "node before they are evicted), got 2h",
                "kubernetes.replicas: unknown field; allowed: image, namespace,");
    }

    @Test
    void aNodeLossTolerationMustBeADuration() {
        assertErrors(base("kubernetes: { image: 'shop:{version}', node_loss_toleration: soon }"),
                "kubernetes.node_loss_toleration: must be a duration (");
        assertThat(AppSpec.parse(base("kubernetes: { image: 'shop:{version}', node_loss_toleration: 0 }")).kubernetes()
                .nodeLossToleration()).as("0: evicted as soon as the node is tainted").isZero();
    }

    @Test
    void aSectionStoredBeforeTheNodeLossTolerationExistedReadsBackWithTheDefault() throws Exception {
        AppSpec spec = AppSpec.parse(base("kubernetes: { image: 'shop:{version}' }"));
        String old = RolloutStateJson.MAPPER.writeValueAsString(spec).replace(",\"nodeLossToleration\":\"PT30S\"", "");
        assertThat(old).doesNotContain("nodeLossToleration");
        assertThat(RolloutStateJson.MAPPER.readValue(old, AppSpec.class).kubernetes().nodeLossToleration())
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void theImageIsRequiredAndTakesOnlyTheVersionPlaceholder() {
        assertErrors(base("kubernetes: { namespace: shop }"), "kubernetes.image: required");
        assertErrors(base("kubernetes: { image: 'shop:{tag}' }"), "kubernetes.image: unknown placeholder {tag}; allowed: {version}");
    }

    @Test
    void theSectionSurvivesAChangeOfEnvironmentOrStrategy() {
        AppSpec spec = AppSpec.parse(base("kubernetes: { image: 'shop:{version}' }"));
        assertThat(spec.withEnv(Map.of("A", "1")).kubernetes()).isEqualTo(spec.kubernetes());
        assertThat(spec.withStrategy(RollingSpec.defaults()).kubernetes()).isEqualTo(spec.kubernetes());
        assertThat(spec.withKubernetes(spec.kubernetes().withNamespace("other")).kubernetes().namespace()).isEqualTo("other");
        assertThat(List.of(spec.kubernetes().tolerations(), spec.kubernetes().imagePullSecrets())).allMatch(List::isEmpty);
    }

    @Test
    void theSectionIsStoredWithTheRolloutAndReadBack() throws Exception {
        AppSpec spec = AppSpec.parse(base("""
                kubernetes:
                  image: shop:{version}
                  tolerations: [ { key: dedicated, operator: Exists, effect: NoExecute, seconds: 30 } ]
                  pre_stop: 2s
                  node_loss_toleration: 15s
                """));
        String json = RolloutStateJson.MAPPER.writeValueAsString(spec);
        assertThat(RolloutStateJson.MAPPER.readValue(json, AppSpec.class)).isEqualTo(spec);
    }
}
