package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.kube.KubeTestCluster;
import dev.baton.queue.TestDatabase;
import dev.baton.rollout.AppSpec;
import dev.baton.rollout.Instance;
import dev.baton.rollout.InstanceDriver;
import dev.baton.rollout.InstanceState;
import dev.baton.sample.SampleApp;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Role {@code baton kube render --rbac} prints is enough for the control plane, and no more: a client with only
 * that ServiceAccount's token writes the database Secret, watches, starts, reads the log of and stops pods, and is
 * refused anything cluster-wide.
 */
@Tag("kube")
class RbacOnKubernetesTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private final KubernetesClient admin = KubeTestCluster.client();
    private String ns;

    @TempDir
    Path dir;

    @AfterEach
    void tearDown() {
        if (ns != null) {
            KubeTestCluster.deleteNamespace(ns);
        }
    }

    @Test
    void theRenderedRoleLetsTheControlPlaneDriveItsPodsAndNothingClusterWide() throws Exception {
        KubeTestCluster.agent(dir.resolve("pods"));
        ns = KubeTestCluster.namespace();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path specFile = Files.writeString(dir.resolve("shop.yaml"), """
                app: shop
                run: "%s -Xmx96m -XX:TieredStopAtLevel=1 -cp %s %s --port {port}"
                drain: { timeout: 3s, jobs_soft: 2s, jobs_hard: 3s }
                kubernetes: { image: "shop:{version}", namespace: %s }
                """.formatted(java, System.getProperty("java.class.path"), SampleApp.class.getName(), ns));
        StringWriter out = new StringWriter();
        assertThat(BatonCommand.execute(new PrintWriter(out), new PrintWriter(new StringWriter()),
                "kube", "render", specFile.toString(), "--rbac")).isZero();
        List<HasMetadata> rbac = admin.load(new ByteArrayInputStream(out.toString().getBytes(StandardCharsets.UTF_8)))
                .items();
        admin.resourceList(rbac).create();

        try (KubernetesClient baton = clientOf(ServiceAccountTokens.of(admin, ns, "shop-baton", WAIT));
             KubernetesInstanceDrivers drivers = new KubernetesInstanceDrivers(baton, AppSpec.load(specFile),
                     TestDatabase.config(), Clock.systemUTC())) {
            InstanceDriver driver = drivers.forSpec(AppSpec.load(specFile));
            Instance i = driver.start("v1");
            await().atMost(WAIT).until(() -> driver.probe(i) == InstanceState.READY);

            assertThat(drivers.logs(i.id(), 50)).anyMatch(l -> l.contains("sample v1 listening on " + i.host()));
            assertThat(driver.stop(i, Duration.ofSeconds(5))).isEqualTo(InstanceDriver.StopOutcome.EXITED);
            Secret db = admin.secrets().inNamespace(ns).withName("shop-database").get();
            assertThat(new String(Base64.getDecoder().decode(db.getData().get("url")), StandardCharsets.UTF_8))
                    .isEqualTo(TestDatabase.config().urlWithCredentials());
            assertThatThrownBy(() -> baton.nodes().list()).isInstanceOf(KubernetesClientException.class)
                    .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
            assertThatThrownBy(() -> baton.secrets().inNamespace(ns).withName("someone-elses").get())
                    .isInstanceOf(KubernetesClientException.class);
        }
    }

    private KubernetesClient clientOf(String token) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(admin.getConfiguration())
                .withOauthToken(token).build()).build();
    }
}
