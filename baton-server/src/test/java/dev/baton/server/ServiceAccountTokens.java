package dev.baton.server;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/** A ServiceAccount's token on the test cluster, for tests that act as that account. */
final class ServiceAccountTokens {
    private ServiceAccountTokens() {}

    /** The token the token controller puts in the account's Secret (Kubernetes before 1.24 does it by itself). */
    static String of(KubernetesClient admin, String ns, String account, Duration wait) {
        return await().atMost(wait).until(() -> admin.secrets().inNamespace(ns).list().getItems().stream()
                .filter(s -> "kubernetes.io/service-account-token".equals(s.getType()))
                .filter(s -> account.equals(s.getMetadata().getAnnotations().get("kubernetes.io/service-account.name")))
                .map(s -> s.getData() == null ? null : s.getData().get("token")).filter(t -> t != null)
                .map(t -> new String(Base64.getDecoder().decode(t), StandardCharsets.UTF_8)).findFirst(),
                Optional::isPresent).orElseThrow();
    }
}
