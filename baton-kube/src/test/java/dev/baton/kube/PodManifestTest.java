package dev.baton.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.baton.rollout.AppSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Pod the driver creates per instance, checked as the API types read it back (no cluster needed). */
class PodManifestTest {
    static final String SPEC = """
            app: shop
            listen: 80
            run: "java -jar /app/shop.jar --port {port}"
            env: { SHOP_CURRENCY: EUR }
            web: { readiness: /ready }
            worker: { kinds: [email.send] }
            drain: { timeout: 30s, jobs_soft: 20s, jobs_hard: 25s }
            kubernetes:
              image: registry.example.com/shop:{version}
              container_port: 9000
              service_account: shop-runner
              image_pull_secrets: [creds]
              node_selector: { pool: web }
              tolerations: [ { key: dedicated, operator: Equal, value: web, effect: NoSchedule } ]
              labels: { team: checkout }
              annotations: { example.com/owner: checkout }
              resources: { requests: { cpu: 250m, memory: 256Mi }, limits: { memory: 512Mi } }
              pre_stop: 3s
            """;

    static Pod pod(AppSpec spec, PodTemplate.PreStopAction action) {
        return new KubernetesSerialization().convertValue(
                PodManifest.of(spec, "v42", "shop-v42-abcde", "shop", action), Pod.class);
    }

    static String env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst().orElse(null);
    }

    @Test
    void onePodPerInstanceLabelledNeverRestartedWithTheSectionsPlacementAndResources() {
        Pod pod = pod(AppSpec.parse(SPEC), PodTemplate.PreStopAction.SLEEP);

        assertThat(pod.getMetadata().getName()).isEqualTo("shop-v42-abcde");
        assertThat(pod.getMetadata().getNamespace()).isEqualTo("shop");
        assertThat(pod.getMetadata().getLabels()).isEqualTo(Map.of("app.kubernetes.io/name", "shop",
                "app.kubernetes.io/version", "v42", "app.kubernetes.io/managed-by", "baton",
                "baton.dev/instance", "shop-v42-abcde", "team", "checkout"));
        assertThat(pod.getMetadata().getAnnotations()).isEqualTo(Map.of("example.com/owner", "checkout"));
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("shop-runner");
        assertThat(pod.getSpec().getImagePullSecrets()).extracting(r -> r.getName()).containsExactly("creds");
        assertThat(pod.getSpec().getNodeSelector()).isEqualTo(Map.of("pool", "web"));
        assertThat(pod.getSpec().getTolerations()).first().satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("dedicated");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
        Container c = pod.getSpec().getContainers().getFirst();
        assertThat(c.getImage()).isEqualTo("registry.example.com/shop:v42");
        assertThat(c.getCommand()).containsExactly("java", "-jar", "/app/shop.jar", "--port", "9000");
        assertThat(c.getPorts()).singleElement().satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(9000));
        assertThat(c.getResources().getRequests()).containsOnlyKeys("cpu", "memory");
        assertThat(c.getResources().getLimits().get("memory").toString()).isEqualTo("512Mi");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
    }

    @Test
    void podsLeaveALostNodeAfterTheSpecsNodeLossTolerationNotKubernetesFiveMinutes() {
        Pod byDefault = pod(AppSpec.parse(SPEC), PodTemplate.PreStopAction.SLEEP);
        Pod quick = pod(AppSpec.parse(SPEC.replace("  pre_stop: 3s\n", "  pre_stop: 3s\n  node_loss_toleration: 1500ms\n")),
                PodTemplate.PreStopAction.SLEEP);

        assertThat(byDefault.getSpec().getTolerations()).filteredOn(t -> "NoExecute".equals(t.getEffect()))
                .extracting(Toleration::getKey, Toleration::getOperator, Toleration::getTolerationSeconds)
                .containsExactly(tuple("node.kubernetes.io/not-ready", "Exists", 30L),
                        tuple("node.kubernetes.io/unreachable", "Exists", 30L));
        assertThat(quick.getSpec().getTolerations()).filteredOn(t -> "NoExecute".equals(t.getEffect()))
                .extracting(Toleration::getTolerationSeconds).as("rounded up to whole seconds").containsOnly(2L);
    }

    @Test
    void aTolerationTheSpecWritesForANodeLossTaintWins() {
        AppSpec spec = AppSpec.parse(SPEC.replace("effect: NoSchedule } ]",
                "effect: NoSchedule }, { key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, seconds: 120 } ]"));

        assertThat(pod(spec, PodTemplate.PreStopAction.SLEEP).getSpec().getTolerations())
                .extracting(Toleration::getKey, Toleration::getTolerationSeconds)
                .containsExactly(tuple("dedicated", null), tuple("node.kubernetes.io/unreachable", 120L),
                        tuple("node.kubernetes.io/not-ready", 30L));
    }

    @Test
    void environmentIsTheLocalDriversWithTheDatabaseFromTheSecretAndThePodIpFromTheDownwardApi() {
        Container c = pod(AppSpec.parse(SPEC), PodTemplate.PreStopAction.SLEEP).getSpec().getContainers().getFirst();

        assertThat(env(c, "PORT")).isEqualTo("9000");
        assertThat(env(c, "BATON_PORT")).isEqualTo("9000");
        assertThat(env(c, "BATON_APP")).isEqualTo("shop");
        assertThat(env(c, "BATON_VERSION")).isEqualTo("v42");
        assertThat(env(c, "SHOP_CURRENCY")).isEqualTo("EUR");
        EnvVar db = c.getEnv().stream().filter(e -> e.getName().equals("BATON_DATABASE_URL")).findFirst().orElseThrow();
        assertThat(db.getValue()).isNull();
        assertThat(db.getValueFrom().getSecretKeyRef().getName()).isEqualTo("shop-database");
        assertThat(db.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("url");
        EnvVar host = c.getEnv().stream().filter(e -> e.getName().equals("BATON_HOST")).findFirst().orElseThrow();
        assertThat(host.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP");
        EnvVar instance = c.getEnv().stream().filter(e -> e.getName().equals("BATON_INSTANCE")).findFirst().orElseThrow();
        assertThat(instance.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
    }

    @Test
    void graceAndPreStopUseTheSameArithmeticAsKubeRender() {
        AppSpec spec = AppSpec.parse(SPEC);
        Pod pod = pod(spec, PodTemplate.PreStopAction.SLEEP);
        Termination t = Termination.of(spec.drain(), java.time.Duration.ofSeconds(3));

        assertThat(pod.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(t.graceSeconds()).isEqualTo(3 + 30 + 5);
        assertThat(pod.getSpec().getContainers().getFirst().getLifecycle().getPreStop().getSleep().getSeconds())
                .isEqualTo(3L);
    }

    @Test
    void beforeKubernetes130ThePreStopDelayIsAnExecOfSleep() {
        Pod pod = pod(AppSpec.parse(SPEC), PodTemplate.PreStopAction.EXEC_SLEEP);

        var hook = pod.getSpec().getContainers().getFirst().getLifecycle().getPreStop();
        assertThat(hook.getSleep()).isNull();
        assertThat(hook.getExec().getCommand()).containsExactly("sleep", "3");
        assertThat(KubernetesDriver.preStopAction(new VersionInfo.Builder().withMajor("1").withMinor("20").build()))
                .isEqualTo(PodTemplate.PreStopAction.EXEC_SLEEP);
        assertThat(KubernetesDriver.preStopAction(new VersionInfo.Builder().withMajor("1").withMinor("31+").build()))
                .isEqualTo(PodTemplate.PreStopAction.SLEEP);
    }

    @Test
    void withoutAPreStopDelayThereIsNoHookAtAll() {
        AppSpec spec = AppSpec.parse(SPEC.replace("  pre_stop: 3s\n", ""));

        assertThat(pod(spec, PodTemplate.PreStopAction.SLEEP).getSpec().getContainers().getFirst().getLifecycle()).isNull();
    }

    @Test
    void aSpecWhoseEnvSetsTheDatabaseUrlIsRefusedNamingTheField() {
        AppSpec spec = AppSpec.parse(SPEC.replace("SHOP_CURRENCY: EUR", "BATON_DATABASE_URL: postgres://x"));

        assertThatThrownBy(() -> pod(spec, PodTemplate.PreStopAction.SLEEP))
                .hasMessageStartingWith("env.BATON_DATABASE_URL: set by the generator on Kubernetes");
    }
}
