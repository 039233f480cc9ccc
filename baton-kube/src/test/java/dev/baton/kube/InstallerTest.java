package dev.baton.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.rollout.AppSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kube install --apply} against the real API server: every object of the install is accepted as written for
 * the server's own version (nothing it would drop silently), RBAC included, and a second apply changes nothing.
 */
@org.junit.jupiter.api.Tag("kube")
class InstallerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final KubernetesClient k8s = KubeTestCluster.client();
    private final String ns = "baton-i-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void tearDown() {
        KubeTestCluster.deleteNamespace(ns);
    }

    @Test
    void everyInstalledObjectIsAcceptedByTheApiServerAsWrittenAndASecondApplyChangesNothing() throws Exception {
        String text = InstallManifestsTest.SPEC;
        AppSpec spec = AppSpec.parse(text);
        InstallOptions options = InstallOptions.of("shop", ns).withServiceType(InstallOptions.ServiceType.NodePort);
        InstallTokens tokens = InstallTokens.generate();

        List<Installer.Applied> first = Installer.apply(k8s, spec, text, options, tokens);

        assertThat(first).extracting(Installer.Applied::kind).containsExactly("Namespace", "ServiceAccount", "Role",
                "RoleBinding", "Secret", "ConfigMap", "Deployment", "Deployment", "Service", "PodDisruptionBudget",
                "Secret");
        assertThat(first.subList(0, 10)).allMatch(a -> a.action() == Installer.Action.CREATED, "all created");
        assertThat(first.getLast().action()).isEqualTo(Installer.Action.MISSING);
        assertThat(first.getLast().line()).contains("create secret generic shop-database");

        // The server kept every field as written: an older server drops what it does not know without a word.
        KubeVersion kube = KubeVersion.of(k8s.getKubernetesVersion());
        for (Map<String, Object> object : InstallManifests.objects(spec, text, options, kube, tokens)) {
            HasMetadata written = k8s.getKubernetesSerialization().convertValue(object, HasMetadata.class);
            HasMetadata stored = k8s.resource(written).get();
            assertThat(stored).as("%s %s", written.getKind(), written.getMetadata().getName()).isNotNull();
            JsonNode want = JSON.valueToTree(object);
            if (written.getKind().equals("Secret")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) want).remove("stringData");
            }
            assertContains(JSON.readTree(k8s.getKubernetesSerialization().asJson(stored)), want,
                    written.getKind() + " " + written.getMetadata().getName());
        }
        assertThat(kube.disruptionBudgetApi()).isEqualTo(kube.minor() >= 21 ? "policy/v1" : "policy/v1beta1");

        List<Installer.Applied> second = Installer.apply(k8s, spec, text, options, InstallTokens.generate());

        assertThat(second.subList(0, 10)).extracting(Installer.Applied::action).containsOnly(
                Installer.Action.UNCHANGED, Installer.Action.KEPT);
        assertThat(second.get(4).action()).isEqualTo(Installer.Action.KEPT);
        String stored = new String(Base64.getDecoder().decode(k8s.secrets().inNamespace(ns)
                .withName(InstallManifests.tokensSecret("shop")).get().getData().get("api-token")), StandardCharsets.UTF_8);
        assertThat(stored).isEqualTo(tokens.api());
    }

    @Test
    void theControlPlanesAccountMayDriveAppPodsRecordEventsAndHoldLeasesButNothingElse() {
        String text = InstallManifestsTest.SPEC;
        Installer.apply(k8s, AppSpec.parse(text), text, InstallOptions.of("shop", ns), InstallTokens.generate());

        assertThat(allowed("pods", "", "create", null)).isTrue();
        assertThat(allowed("pods", "log", "get", null)).isTrue();
        assertThat(allowed("events", "", "create", null)).isTrue();
        assertThat(allowed("leases", "", "update", "coordination.k8s.io")).isTrue();
        assertThat(allowed("secrets", "", "get", null)).as("other Secrets (the tokens)").isFalse();
        assertThat(allowed("deployments", "", "update", "apps")).isFalse();
    }

    private boolean allowed(String resource, String subresource, String verb, String group) {
        SubjectAccessReview review = new SubjectAccessReviewBuilder().withNewSpec()
                .withUser("system:serviceaccount:" + ns + ":shop-baton")
                .withGroups("system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated")
                .withNewResourceAttributes().withNamespace(ns).withResource(resource)
                .withSubresource(subresource.isEmpty() ? null : subresource).withVerb(verb).withGroup(group)
                .endResourceAttributes().endSpec().build();
        return k8s.authorization().v1().subjectAccessReview().create(review).getStatus().getAllowed();
    }

    /** Every field of {@code want} is in {@code got} with the same value (the server may add defaults). */
    private static void assertContains(JsonNode got, JsonNode want, String where) {
        if (want.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                assertThat(got.has(e.getKey())).as("%s.%s kept by the server in %s", where, e.getKey(), got).isTrue();
                assertContains(got.get(e.getKey()), e.getValue(), where + "." + e.getKey());
            }
        } else if (want.isArray()) {
            assertThat(got.size()).as("%s: %s", where, got).isEqualTo(want.size());
            for (int i = 0; i < want.size(); i++) {
                assertContains(got.get(i), want.get(i), where + "[" + i + "]");
            }
        } else {
            assertThat(got.asText()).as(where).isEqualTo(want.asText());
        }
    }
}
