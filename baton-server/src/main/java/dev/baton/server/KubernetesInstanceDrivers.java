package dev.baton.server;

import dev.baton.kube.KubeOptions;
import dev.baton.kube.KubernetesDriver;
import dev.baton.common.DatabaseConfig;
import dev.baton.rollout.AppSpec;
import dev.baton.rollout.InstanceDriver;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Instances as Pods on a cluster ({@code baton up --kubernetes}). The database URL reaches the pods only through the
 * Secret {@code kubernetes.database_secret} (key {@code url}), which this writes from the control plane's database
 * settings when it starts, never as a literal in a pod; the drain deadlines are generated from the spec.
 */
final class KubernetesInstanceDrivers implements InstanceDrivers {
    private static final Logger log = LoggerFactory.getLogger(KubernetesInstanceDrivers.class);
    private final KubernetesClient client;
    private final KubernetesDriver pods;

    KubernetesInstanceDrivers(KubernetesClient client, AppSpec spec, DatabaseConfig db, Clock clock) {
        this.client = client;
        this.pods = KubernetesDriver.connect(client, spec, clock);
        writeDatabaseSecret(spec, db);
    }

    private void writeDatabaseSecret(AppSpec spec, DatabaseConfig db) {
        String name = spec.kubernetes().databaseSecret();
        Secret secret = new SecretBuilder().withNewMetadata().withName(name).withNamespace(pods.namespace())
                .addToLabels("app.kubernetes.io/name", spec.app()).addToLabels("app.kubernetes.io/managed-by", "baton")
                .endMetadata().withType("Opaque")
                .withStringData(Map.of(KubeOptions.DATABASE_SECRET_KEY, InstanceEnvironment.databaseUrl(db))).build();
        client.secrets().inNamespace(pods.namespace()).resource(secret).serverSideApply();
        log.info("database URL written to Secret {}/{} (key {})", pods.namespace(), name, KubeOptions.DATABASE_SECRET_KEY);
    }

    @Override
    public InstanceDriver forSpec(AppSpec spec) {
        return pods.withSpec(spec);
    }

    @Override
    public void onCrash(InstanceDriver.CrashListener listener) {
        pods.onCrash(listener);
    }

    @Override
    public List<String> logs(String instanceId, int lines) {
        try {
            String text = client.pods().inNamespace(pods.namespace()).withName(instanceId).tailingLines(lines).getLog();
            return text == null ? List.of() : text.lines().toList();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                throw ApiException.notFound("instance: no pod '" + instanceId + "' in namespace " + pods.namespace());
            }
            throw ApiException.badRequest("instance: the cluster gave no log for pod '" + instanceId + "': "
                    + e.getMessage());
        }
    }

    @Override
    public void close() {
        pods.close();
        client.close();
    }
}
