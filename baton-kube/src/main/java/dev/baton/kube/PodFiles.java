package dev.baton.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files a pod's volumes give its container, as the {@link NodeAgent} lays them out on this host: every mount path
 * {@code /m} becomes {@code ROOT/m} under a directory of the pod's own, and the container's command, arguments and
 * environment values that name a path under a mount path are rewritten to it. {@code emptyDir} is an empty writable
 * directory; {@code configMap} and {@code secret} volumes are their keys as files (or the {@code items} chosen, or the
 * one key a {@code subPath} names), with the volume's {@code defaultMode} or the item's {@code mode} (a secret's 0400
 * stays 0400). A pod that names a ServiceAccount gets its token, the cluster's CA and its namespace under
 * {@code ROOT/var/run/secrets/kubernetes.io/serviceaccount}, and the in-cluster API address in
 * {@code KUBERNETES_SERVICE_HOST} and {@code _PORT}: the API server's own, since no Service IP works here.
 */
final class PodFiles {
    static final String SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
    private static final Pattern VAR = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
    private static final Duration TOKEN_WAIT = Duration.ofSeconds(20);

    private final Path root;
    private final List<String> mountPaths;
    private final Map<String, String> env;

    private PodFiles(Path root, List<String> mountPaths, Map<String, String> env) {
        this.root = root;
        this.mountPaths = mountPaths;
        this.env = env;
    }

    /** Writes the container's volumes under {@code root}; throws when a ConfigMap, Secret or token is missing. */
    static PodFiles materialize(KubernetesClient client, Pod pod, Container c, Path root)
            throws IOException, InterruptedException {
        String ns = pod.getMetadata().getNamespace();
        Files.createDirectories(root);
        List<VolumeMount> mounts = c.getVolumeMounts() == null ? List.of() : c.getVolumeMounts().stream()
                .sorted(Comparator.comparingInt(m -> m.getMountPath().length())).toList();
        Map<String, Volume> volumes = new LinkedHashMap<>();
        if (pod.getSpec().getVolumes() != null) {
            pod.getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
        }
        for (VolumeMount m : mounts) {
            Volume v = volumes.get(m.getName());
            if (v == null) {
                throw new IllegalArgumentException("volumeMount " + m.getName() + ": no such volume");
            }
            Path target = under(root, m.getMountPath());
            if (v.getEmptyDir() != null) {
                Files.createDirectories(target);
                continue;
            }
            Map<String, byte[]> data;
            List<KeyToPath> items;
            Integer defaultMode;
            if (v.getConfigMap() != null) {
                ConfigMap cm = client.configMaps().inNamespace(ns).withName(v.getConfigMap().getName()).get();
                if (cm == null) {
                    throw new IllegalArgumentException("ConfigMap " + v.getConfigMap().getName() + " does not exist");
                }
                data = new LinkedHashMap<>();
                if (cm.getData() != null) {
                    cm.getData().forEach((k, s) -> data.put(k, s.getBytes(StandardCharsets.UTF_8)));
                }
                items = v.getConfigMap().getItems();
                defaultMode = v.getConfigMap().getDefaultMode();
            } else if (v.getSecret() != null) {
                data = secretData(client, ns, v.getSecret().getSecretName());
                items = v.getSecret().getItems();
                defaultMode = v.getSecret().getDefaultMode();
            } else {
                throw new IllegalArgumentException("volume " + v.getName() + ": only emptyDir, configMap and secret");
            }
            int mode = defaultMode == null ? 0644 : defaultMode;
            if (m.getSubPath() != null && !m.getSubPath().isEmpty()) {
                byte[] content = data.get(m.getSubPath());
                if (content == null) {
                    throw new IllegalArgumentException("volume " + v.getName() + " has no key " + m.getSubPath());
                }
                write(target, content, mode);
            } else if (items != null && !items.isEmpty()) {
                for (KeyToPath item : items) {
                    write(target.resolve(item.getPath()), data.get(item.getKey()),
                            item.getMode() == null ? mode : item.getMode());
                }
            } else {
                for (var e : data.entrySet()) {
                    write(target.resolve(e.getKey()), e.getValue(), mode);
                }
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        String account = pod.getSpec().getServiceAccountName();
        if (account != null && !account.isEmpty() && !Boolean.FALSE.equals(pod.getSpec().getAutomountServiceAccountToken())) {
            Map<String, byte[]> token = serviceAccountToken(client, ns, account);
            Path dir = under(root, SERVICE_ACCOUNT_DIR);
            for (String key : List.of("token", "ca.crt", "namespace")) {
                write(dir.resolve(key), token.getOrDefault(key, new byte[0]), 0400);
            }
            URI master = URI.create(client.getMasterUrl().toString());
            env.put("KUBERNETES_SERVICE_HOST", master.getHost());
            env.put("KUBERNETES_SERVICE_PORT", Integer.toString(master.getPort() < 0 ? 443 : master.getPort()));
            // The Kubernetes client finds the files at these fixed paths in a pod; here they are under the root.
            env.put("KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN", dir.resolve("token").toString());
            env.put("KUBERNETES_CERTS_CA_FILE", dir.resolve("ca.crt").toString());
        }
        List<String> paths = new java.util.ArrayList<>(mounts.stream().map(VolumeMount::getMountPath).toList());
        paths.add(SERVICE_ACCOUNT_DIR);
        paths.sort(Comparator.comparingInt(String::length).reversed());
        return new PodFiles(root, List.copyOf(paths), Map.copyOf(env));
    }

    /** What the pod's ServiceAccount adds to its environment. */
    Map<String, String> env() {
        return env;
    }

    /**
     * {@code text} with {@code $(VAR)} replaced by the value of {@code VAR} in {@code vars} (as a kubelet expands a
     * container's command, arguments and env values; a name not defined stays as written), then every path under a
     * mount path (the whole word, or after {@code =}) moved under the pod's root.
     */
    String resolve(String text, Map<String, String> vars) {
        Matcher m = VAR.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = vars.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        m.appendTail(out);
        String s = out.toString();
        int eq = s.indexOf('=');
        String head = eq >= 0 && !s.startsWith("/") ? s.substring(0, eq + 1) : "";
        String path = s.substring(head.length());
        for (String mp : mountPaths) {
            if (path.equals(mp) || path.startsWith(mp.endsWith("/") ? mp : mp + "/")) {
                return head + root + path;
            }
        }
        return s;
    }

    private static Path under(Path root, String absolute) {
        return root.resolve(absolute.replaceFirst("^/+", ""));
    }

    private static Map<String, byte[]> secretData(KubernetesClient client, String ns, String name) {
        Secret s = client.secrets().inNamespace(ns).withName(name).get();
        if (s == null) {
            throw new IllegalArgumentException("Secret " + name + " does not exist");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (s.getData() != null) {
            s.getData().forEach((k, b64) -> data.put(k, Base64.getDecoder().decode(b64)));
        }
        return data;
    }

    /** The token Secret the token controller made for the account (it may take a moment after the account). */
    private static Map<String, byte[]> serviceAccountToken(KubernetesClient client, String ns, String account)
            throws InterruptedException {
        long deadline = System.nanoTime() + TOKEN_WAIT.toNanos();
        while (true) {
            for (Secret s : client.secrets().inNamespace(ns).list().getItems()) {
                Map<String, String> a = s.getMetadata().getAnnotations();
                if ("kubernetes.io/service-account-token".equals(s.getType()) && a != null
                        && account.equals(a.get("kubernetes.io/service-account.name")) && s.getData() != null
                        && s.getData().containsKey("token")) {
                    return secretData(client, ns, s.getMetadata().getName());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalArgumentException("ServiceAccount " + account + " has no token Secret (is the token "
                        + "controller running?)");
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    private static void write(Path file, byte[] content, int mode) throws IOException {
        if (content == null) {
            throw new IllegalArgumentException("no data for " + file.getFileName());
        }
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.write(file, content);
        Files.setPosixFilePermissions(file, permissions(mode));
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                p.add(bits[i]);
            }
        }
        return p;
    }
}
