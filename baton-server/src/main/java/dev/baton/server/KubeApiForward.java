package dev.baton.server;

import dev.baton.kube.InstallManifests;
import dev.baton.kube.InstallOptions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.fabric8.kubernetes.client.http.WebSocketHandshakeException;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API of one control-plane pod of an install ({@code baton kube install}), reached as kubectl reaches a pod: a
 * port-forward made by the Kubernetes API to the pod's API port, which listens on the pod's loopback only. The token
 * comes from the install's tokens Secret, read through the API and kept in memory only. {@link #open} picks the pod:
 * of the ready control-plane pods, the one that leads (a standby answers reads but refuses steering); while none
 * leads, the first that answers. {@link InstalledApi} finds it again when it stops answering.
 * <p>
 * Every failure is one line that says what to fix: no install in the namespace, no ready control-plane pod, or the
 * RBAC verb the kubeconfig's user lacks ({@code list} pods, {@code get} the Secret, {@code create pods/portforward}).
 */
final class KubeApiForward implements BatonClient.Access {
    private static final Logger log = LoggerFactory.getLogger(KubeApiForward.class);

    private final String namespace;
    private final String pod;
    private final String token;
    private final LocalPortForward forward;

    private KubeApiForward(String namespace, String pod, String token, LocalPortForward forward) {
        this.namespace = namespace;
        this.pod = pod;
        this.token = token;
        this.forward = forward;
    }

    /**
     * Finds the install's control plane in namespace {@code ns} and opens a forward to its leader.
     *
     * @throws BatonClient.Unreachable in one line, when there is none to reach or the user may not reach it
     */
    static KubeApiForward open(KubernetesClient k8s, String ns) {
        List<Pod> pods;
        try {
            pods = k8s.pods().inNamespace(ns).withLabels(InstallManifests.controlPlaneSelector()).list().getItems();
        } catch (KubernetesClientException e) {
            throw refused(e, "list", "pods", ns, "cannot list the control-plane pods in namespace " + ns);
        }
        if (pods.isEmpty()) {
            throw new BatonClient.Unreachable("no Baton install in namespace " + ns + ": no control-plane pod there "
                    + "(install one with 'baton kube install SPEC --namespace " + ns + " --apply')");
        }
        TreeSet<String> apps = pods.stream().map(p -> InstallManifests.appOf(p.getMetadata().getLabels()))
                .filter(a -> a != null).collect(Collectors.toCollection(TreeSet::new));
        if (apps.size() != 1) {
            throw new BatonClient.Unreachable("namespace " + ns + " holds control-plane pods of " + (apps.isEmpty()
                    ? "no app (no app.kubernetes.io/part-of label)" : "several apps (" + String.join(", ", apps) + ")")
                    + ": --kube-namespace reaches a namespace with one install");
        }
        String app = apps.first();
        List<Pod> ready = pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(Readiness::isPodReady).sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
        if (ready.isEmpty()) {
            throw new BatonClient.Unreachable("no ready control-plane pod of " + app + " in namespace " + ns + " ("
                    + pods.stream().map(KubeApiForward::describe).collect(Collectors.joining(", ")) + ")");
        }
        String token = token(k8s, ns, app);
        return leader(k8s, ns, ready, token);
    }

    /** The leading pod's forward, else the first that answered; the others are closed. */
    private static KubeApiForward leader(KubernetesClient k8s, String ns, List<Pod> ready, String token) {
        List<KubeApiForward> answered = new ArrayList<>();
        BatonClient.Unreachable first = null;
        for (Pod p : ready) {
            String name = p.getMetadata().getName();
            KubeApiForward f;
            try {
                f = new KubeApiForward(ns, name, token,
                        k8s.pods().inNamespace(ns).withName(name).portForward(InstallOptions.API_PORT));
            } catch (KubernetesClientException e) {
                throw refused(e, "create", "pods/portforward", ns, "cannot port-forward to pod " + ns + "/" + name);
            }
            try {
                String role = new BatonClient(f).status().path("leader").path("role").asText("");
                if (role.equals("leader")) {
                    answered.forEach(KubeApiForward::close);
                    return f;
                }
                answered.add(f);
            } catch (BatonClient.Unreachable | BatonClient.ApiError e) {
                f.close();
                log.debug("control-plane pod {}/{} did not answer: {}", ns, name, e.getMessage());
                first = first != null ? first : e instanceof BatonClient.Unreachable u ? u
                        : new BatonClient.Unreachable("the control plane in pod " + ns + "/" + name + " answered: "
                        + e.getMessage());
            }
        }
        if (answered.isEmpty()) {
            throw first;
        }
        answered.subList(1, answered.size()).forEach(KubeApiForward::close);
        return answered.getFirst();
    }

    /** The REST API's token from the install's Secret, through the API; never written anywhere. */
    private static String token(KubernetesClient k8s, String ns, String app) {
        String name = InstallManifests.tokensSecret(app);
        Secret s;
        try {
            s = k8s.secrets().inNamespace(ns).withName(name).get();
        } catch (KubernetesClientException e) {
            throw refused(e, "get", "secrets (" + name + ")", ns, "cannot read the API token from Secret " + ns + "/"
                    + name);
        }
        String data = s == null || s.getData() == null ? null : s.getData().get(InstallManifests.API_TOKEN_KEY);
        if (data == null) {
            throw new BatonClient.Unreachable("Secret " + ns + "/" + name + (s == null ? " does not exist" : " has no key "
                    + InstallManifests.API_TOKEN_KEY) + ": 'baton kube install --apply' writes it");
        }
        return new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8).trim();
    }

    /** A refusal by the API in one line: a 403 names the RBAC verb and resource the user lacks. */
    private static BatonClient.Unreachable refused(KubernetesClientException e, String verb, String resource, String ns,
                                                   String what) {
        if (e.getCode() == 403) {
            return new BatonClient.Unreachable(what + ": forbidden; the kubeconfig's user needs the RBAC verb '" + verb
                    + "' on " + resource + " in namespace " + ns);
        }
        if (e.getCode() == 401) {
            return new BatonClient.Unreachable(what + ": the Kubernetes API refused the kubeconfig's credentials (401)");
        }
        String why = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
        return new BatonClient.Unreachable(what + ": " + why);
    }

    private static String describe(Pod p) {
        String phase = p.getStatus() == null || p.getStatus().getPhase() == null ? "Pending" : p.getStatus().getPhase();
        return p.getMetadata().getName() + " " + (p.getMetadata().getDeletionTimestamp() != null ? "terminating"
                : phase + ("Running".equals(phase) ? ", not ready" : ""));
    }

    @Override
    public BatonClient.Endpoint endpoint() {
        return new BatonClient.Endpoint("127.0.0.1", forward.getLocalPort(), token);
    }

    /**
     * Says why the forward carried nothing: the port-forward refused (403: the verb), or the pod's port closed. The
     * forward records its errors a moment after the connection ends, so they are awaited briefly.
     */
    @Override
    public String unreachable(BatonClient.Endpoint ep, IOException e) {
        long until = System.nanoTime() + 1_000_000_000L;
        try {
            while (!forward.errorOccurred() && System.nanoTime() < until) {
                Thread.sleep(20);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        List<Throwable> errors = new ArrayList<>(forward.getClientThrowables());
        errors.addAll(forward.getServerThrowables());
        String where = "pod " + namespace + "/" + pod;
        int refused = errors.stream().mapToInt(KubeApiForward::handshakeStatus).filter(c -> c > 0).findFirst().orElse(0);
        if (refused == 403) {
            return "cannot port-forward to " + where + ": forbidden; the kubeconfig's user needs the RBAC verb 'create' "
                    + "on pods/portforward in namespace " + namespace;
        }
        if (refused != 0) {
            return "cannot port-forward to " + where + ": the Kubernetes API answered " + refused;
        }
        String detail = errors.stream().map(t -> t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage())
                .distinct().collect(Collectors.joining("; "));
        return "the control plane in " + where + " is not answering on port " + InstallOptions.API_PORT
                + " through the port-forward" + (detail.isEmpty() ? "" : ": " + detail);
    }

    /** The status the API server refused a port-forward's upgrade with (403 without the RBAC verb), else 0. */
    private static int handshakeStatus(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof WebSocketHandshakeException h && h.getResponse() != null) {
                return h.getResponse().code();
            }
        }
        return 0;
    }

    /** Ends the forward. */
    void close() {
        try {
            forward.close();
        } catch (IOException e) {
            log.debug("port-forward to {}/{} not closed cleanly: {}", namespace, pod, e.toString());
        }
    }
}
