package dev.baton.kube;

import dev.baton.rollout.AppSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Applies an install ({@code baton kube install --apply}): the objects of {@link InstallManifests}, written for the
 * cluster's own version, each by server-side apply (field manager {@value #FIELD_MANAGER}), in order, so the API
 * server validates every one of them. The tokens Secret is created once and then kept: applying again never rotates
 * the tokens under a running control plane. The database Secret is the operator's; a missing one is reported.
 */
public final class Installer {
    static final String FIELD_MANAGER = "baton";

    private Installer() {}

    /** What happened to one object. */
    public enum Action { CREATED, CONFIGURED, UNCHANGED, KEPT, MISSING }

    /**
     * One object's outcome.
     *
     * @param namespace null for cluster-wide objects
     * @param note what to do about it, or null
     */
    public record Applied(Action action, String kind, String namespace, String name, String note) {
        /** {@code created     Deployment shop/shop-baton-proxy}, and the note after a colon. */
        public String line() {
            return String.format("%-11s %s %s%s", action.name().toLowerCase(Locale.ROOT), kind,
                    namespace == null ? name : namespace + "/" + name, note == null ? "" : ": " + note);
        }
    }

    /** Thrown when the API server refuses an object; the message names it and gives the server's reason. */
    public static final class Refused extends RuntimeException {
        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Applies the install and returns one outcome per object (and one for the database Secret).
     *
     * @throws Refused when the API server refuses an object; those before it stay applied
     */
    public static List<Applied> apply(KubernetesClient client, AppSpec spec, String specText, InstallOptions options,
                                      InstallTokens tokens) {
        KubeVersion kube = KubeVersion.of(client.getKubernetesVersion());
        List<Applied> out = new ArrayList<>();
        for (Map<String, Object> object : InstallManifests.objects(spec, specText, options, kube, tokens)) {
            HasMetadata resource = client.getKubernetesSerialization().convertValue(object, HasMetadata.class);
            String ns = resource.getMetadata().getNamespace();
            String name = resource.getMetadata().getName();
            try {
                HasMetadata existing = client.resource(resource).get();
                if (existing != null && resource.getKind().equals("Secret")
                        && name.equals(InstallManifests.tokensSecret(spec.app()))) {
                    out.add(new Applied(Action.KEPT, resource.getKind(), ns, name, "its tokens are not rotated"));
                    continue;
                }
                HasMetadata applied = client.resource(resource).fieldManager(FIELD_MANAGER).forceConflicts()
                        .serverSideApply();
                Action action = existing == null ? Action.CREATED
                        : sameContent(client, existing, applied) ? Action.UNCHANGED : Action.CONFIGURED;
                out.add(new Applied(action, resource.getKind(), ns, name, null));
            } catch (KubernetesClientException e) {
                String reason = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                        : e.getMessage();
                throw new Refused("the cluster refused " + resource.getKind() + " " + (ns == null ? "" : ns + "/")
                        + name + ": " + reason, e);
            }
        }
        if (client.secrets().inNamespace(options.namespace()).withName(options.databaseSecret()).get() == null) {
            out.add(new Applied(Action.MISSING, "Secret", options.namespace(), options.databaseSecret(),
                    "the control plane starts once it exists: kubectl -n " + options.namespace() + " create secret "
                            + "generic " + options.databaseSecret() + " --from-literal=" + KubeOptions.DATABASE_SECRET_KEY
                            + "=jdbc:postgresql://HOST:5432/DB?user=U&password=P"));
        }
        return out;
    }

    /**
     * Whether only bookkeeping changed: a server may bump the resource version of an apply that changes nothing but
     * the managed fields (1.20 does, on the first apply of an object it created without one), and a controller may
     * write an object's status between the read and the apply (the Deployment controller does, while pods start).
     */
    private static boolean sameContent(KubernetesClient client, HasMetadata before, HasMetadata after) {
        if (Objects.equals(before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion())) {
            return true;
        }
        Map<String, Object> a = withoutBookkeeping(client, before);
        Map<String, Object> b = withoutBookkeeping(client, after);
        return a.equals(b);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutBookkeeping(KubernetesClient client, HasMetadata object) {
        Map<String, Object> map = client.getKubernetesSerialization().convertValue(object, Map.class);
        Map<String, Object> meta = (Map<String, Object>) map.get("metadata");
        meta.remove("managedFields");
        meta.remove("resourceVersion");
        map.remove("status");
        return map;
    }
}
