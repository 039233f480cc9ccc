package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.kube.InstallManifests;
import dev.baton.kube.InstallOptions;
import dev.baton.kube.InstallTokens;
import dev.baton.kube.KubeTestCluster;
import dev.baton.postgres.EmbeddedDatabase;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line against a control plane installed in a namespace: it runs as a pod (labelled as the install's,
 * run by the node agent) with its REST API on the pod's own address only, and {@code baton status} and
 * {@code baton deploy} with {@code --kube-namespace} reach it through a port-forward made by the real API server,
 * with the token read from the install's Secret (the command line's own home holds none). What stops it is said in one
 * line: no install in the namespace, a user the RBAC does not let read the Secret.
 */
@Tag("kube")
class CliThroughPortForwardOnKubernetesTest {
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final String APP = "sample";
    private final KubernetesClient k8s = KubeTestCluster.client();

    @TempDir
    Path dir;

    private String ns;
    private String node;
    private EmbeddedDatabase db;
    private InstallTokens tokens;
    private final List<BatonHome> podHomes = new java.util.ArrayList<>();

    @BeforeEach
    void setUp() {
        node = KubeTestCluster.agent(dir.resolve("pods")).nodeName();
        ns = KubeTestCluster.namespace();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (ns != null) {
            KubeTestCluster.deleteNamespace(ns);
        }
        for (BatonHome home : podHomes) {
            // The control plane's proxy runs in a session of its own: the pod's end does not take it along.
            ProxyProcess.recorded(home).ifPresent(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly));
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void statusAndDeployReachAnInstalledControlPlaneThroughAPortForwardWithTheTokenFromItsSecret() throws Exception {
        install();
        String ip = startControlPlanePod("a", "v1");
        String kubeconfig = KubeTestCluster.kubeconfig().toString();
        String cliHome = dir.resolve("laptop").toString(); // no token, no api.json: nothing to find but the Secret

        await().atMost(WAIT).untilAsserted(() -> assertThat(Cli.run("status", "--kube-namespace", ns, "--kubeconfig",
                kubeconfig, "--home", cliHome).out()).contains(APP + ": stable v1"));
        assertThat(Files.readString(podHomes.getFirst().apiFile())).as("the API listens on the pod's address only")
                .contains("\"host\":\"" + ip + "\"").contains("\"port\":" + InstallOptions.API_PORT);

        Cli deploy = Cli.run("deploy", "v2", "--kube-namespace", ns, "--kubeconfig", kubeconfig, "--home", cliHome,
                "--timeout", "3");
        assertThat(deploy.code()).as("deploy: %s%s", deploy.out(), deploy.err()).isZero();
        assertThat(deploy.out()).contains("SUCCEEDED");

        Cli status = Cli.run("status", "--json", "--home", cliHome, "--kube-namespace", ns, "--kubeconfig", kubeconfig);
        assertThat(status.code()).isZero();
        assertThat(Json.MAPPER.readTree(status.out()).path("stableVersion").asText()).isEqualTo("v2");
        assertThat(Files.exists(Path.of(cliHome, "token"))).as("the token is never written on the client's side")
                .isFalse();
    }

    @Test
    void aSteeringCommandGoesToTheLeaderWhicheverPodAnswersFirstAndAClientFollowsATakeover() throws Exception {
        install();
        startControlPlanePod("b", null);
        String kubeconfig = KubeTestCluster.kubeconfig().toString();
        String cliHome = dir.resolve("laptop").toString();
        await().atMost(WAIT).untilAsserted(() -> assertThat(Json.MAPPER.readTree(Cli.run("status", "--json",
                "--kube-namespace", ns, "--kubeconfig", kubeconfig, "--home", cliHome).out()).path("leader")
                .path("role").asText()).isEqualTo("leader"));
        startControlPlanePod("a", null); // first by name, and a standby: it refuses steering with a 503
        BatonClient a = new BatonClient(new BatonHome(dir.resolve("pod-home-a")));
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(a.status().path("leader").path("role")
                .asText()).isEqualTo("standby"));

        Cli pause = Cli.run("jobs", "pause", "mail", "--reason", "through the forward", "--kube-namespace", ns,
                "--kubeconfig", kubeconfig, "--home", cliHome);

        assertThat(pause.code()).as("%s%s", pause.out(), pause.err()).isZero();
        assertThat(Cli.run("jobs", "stats", "--kube-namespace", ns, "--kubeconfig", kubeconfig, "--home", cliHome).out())
                .contains("mail");

        // One client across a takeover: the leader's pod is force-deleted, and the forward is made again to the pod
        // that leads next, as a command following a rollout needs.
        try (InstalledApi api = InstalledApi.open(new KubeTarget(Path.of(kubeconfig), null, null), ns)) {
            BatonClient client = new BatonClient(api);
            assertThat(client.status().path("leader").path("role").asText()).isEqualTo("leader");
            k8s.pods().inNamespace(ns).withName(APP + "-baton-b").withGracePeriod(0).delete();
            await().atMost(WAIT).ignoreExceptions().until(() -> client.post("/v1/jobs/resume", Map.of("queue", "mail"))
                    .path("changed").asBoolean());
            assertThat(client.status().path("leader").path("holder").asText()).contains("pod-home-a");
        }
    }

    @Test
    void aNamespaceWithoutAnInstallIsOneLineThatSaysHowToMakeOne() {
        Cli status = Cli.run("status", "--kube-namespace", ns, "--kubeconfig", KubeTestCluster.kubeconfig().toString(),
                "--home", dir.resolve("laptop").toString());

        assertThat(status.code()).isEqualTo(BatonCommand.EXIT_UNREACHABLE);
        assertThat(status.err()).isEqualTo("baton: no Baton install in namespace " + ns + ": no control-plane pod there "
                + "(install one with 'baton kube install SPEC --namespace " + ns + " --apply')\n");
    }

    @Test
    void anInstallWhoseControlPlaneIsNotReadyIsOneLineNamingEachPodAndWhereItStands() {
        k8s.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(APP + "-baton-x")
                .withLabels(InstallManifests.controlPlaneLabels(APP)).endMetadata().withNewSpec().withNodeName(node)
                .withRestartPolicy("Never").withTerminationGracePeriodSeconds(1L).addNewContainer()
                .withName("control-plane").withImage("baton:0.1.0").withCommand("sleep", "600")
                .withNewReadinessProbe().withNewHttpGet().withPath("/").withPort(new IntOrString(1)).endHttpGet()
                .withPeriodSeconds(1).endReadinessProbe().endContainer().endSpec().build()).create();
        await().atMost(WAIT).until(() -> "Running".equals(phase(APP + "-baton-x")));

        Cli status = Cli.run("status", "--kube-namespace", ns, "--kubeconfig", KubeTestCluster.kubeconfig().toString(),
                "--home", dir.resolve("laptop").toString());

        assertThat(status.code()).isEqualTo(BatonCommand.EXIT_UNREACHABLE);
        assertThat(status.err()).isEqualTo("baton: no ready control-plane pod of " + APP + " in namespace " + ns + " ("
                + APP + "-baton-x Running, not ready)\n");
    }

    @Test
    void aUserTheRbacDoesNotLetReadTheTokensSecretOrPortForwardIsToldTheVerbThatIsMissing() throws Exception {
        createTokensSecret(InstallTokens.generate());
        k8s.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(APP + "-baton-x")
                .withLabels(InstallManifests.controlPlaneLabels(APP)).endMetadata().withNewSpec().withNodeName(node)
                .withRestartPolicy("Never").addNewContainer().withName("control-plane").withImage("baton:0.1.0")
                .withCommand("sleep", "600").endContainer().endSpec().build()).create();
        await().atMost(WAIT).until(() -> "Running".equals(phase(APP + "-baton-x")));
        k8s.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("operator").endMetadata().build()).create();
        k8s.rbac().roles().inNamespace(ns).resource(new RoleBuilder().withNewMetadata().withName("pods-only")
                .endMetadata().addNewRule().withApiGroups("").withResources("pods").withVerbs("get", "list").endRule()
                .build()).create();
        k8s.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder().withNewMetadata()
                .withName("operator-pods-only").endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io")
                .withKind("Role").withName("pods-only").endRoleRef().addNewSubject().withKind("ServiceAccount")
                .withName("operator").withNamespace(ns).endSubject().build()).create();

        Path kubeconfig = kubeconfigOf(ServiceAccountTokens.of(k8s, ns, "operator", WAIT));
        Cli status = Cli.run("status", "--kube-namespace", ns, "--kubeconfig", kubeconfig.toString(),
                "--home", dir.resolve("laptop").toString());

        assertThat(status.code()).isEqualTo(BatonCommand.EXIT_UNREACHABLE);
        assertThat(status.err()).isEqualTo("baton: cannot read the API token from Secret " + ns + "/" + APP
                + "-baton-tokens: forbidden; the kubeconfig's user needs the RBAC verb 'get' on secrets ("
                + APP + "-baton-tokens) in namespace " + ns + "\n");

        // Allowed to read the Secret, not to port-forward: the next verb it lacks.
        k8s.rbac().roles().inNamespace(ns).withName("pods-only").edit(r -> new RoleBuilder(r).addNewRule()
                .withApiGroups("").withResources("secrets").withResourceNames(APP + "-baton-tokens").withVerbs("get")
                .endRule().build());
        await().atMost(WAIT).untilAsserted(() -> {
            Cli again = Cli.run("status", "--kube-namespace", ns, "--kubeconfig", kubeconfig.toString(),
                    "--home", dir.resolve("laptop").toString());
            assertThat(again.code()).isEqualTo(BatonCommand.EXIT_UNREACHABLE);
            assertThat(again.err()).isEqualTo("baton: cannot port-forward to pod " + ns + "/" + APP + "-baton-x: "
                    + "forbidden; the kubeconfig's user needs the RBAC verb 'create' on pods/portforward in namespace "
                    + ns + "\n");
        });
    }

    /** What the install writes before its control plane starts: the database, its Secret, the tokens Secret. */
    private void install() throws Exception {
        db = EmbeddedDatabase.start(dir.resolve("pg"), 0, EmbeddedDatabase.Durability.FAST);
        tokens = InstallTokens.generate();
        createTokensSecret(tokens);
        k8s.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName(APP + "-database")
                .endMetadata().withStringData(Map.of("url", db.config().urlWithCredentials())).build()).create();
    }

    /**
     * A replica of the install's control plane as pod {@code <app>-baton-<suffix>}: its labels, its token where the
     * install mounts it, {@code BATON_DATABASE_URL} from the database Secret, {@code baton up --kubernetes} with the
     * API on port {@link InstallOptions#API_PORT} of its pod address (the node agent's pods share this host's network)
     * and a home and proxy port of its own. Returns that address once the API answers there.
     *
     * @param version the version to deploy on a fresh start, or null for none
     */
    private String startControlPlanePod(String suffix, String version) throws Exception {
        BatonHome podHome = new BatonHome(dir.resolve("pod-home-" + suffix));
        podHomes.add(podHome);
        BatonHome.writeSecret(podHome.tokenFile(), tokens.api() + "\n"); // as the install mounts it from the Secret
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path spec = Files.writeString(dir.resolve("sample-" + suffix + ".yaml"), spec(classpath, version));
        String command = "exec " + ProxyProcess.javaBinary() + " -Xmx384m -cp '" + classpath + "' "
                + BatonCommand.class.getName() + " up " + spec + " --kubernetes --kubeconfig "
                + KubeTestCluster.kubeconfig() + " --namespace " + ns + " --api-port " + InstallOptions.API_PORT
                + " --api-host $POD_IP --home " + podHome.dir();
        String name = APP + "-baton-" + suffix;
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(ns)
                .withLabels(InstallManifests.controlPlaneLabels(APP)).endMetadata()
                .withNewSpec().withNodeName(node).withRestartPolicy("Never").withTerminationGracePeriodSeconds(10L)
                .addNewContainer().withName("control-plane").withImage("baton:0.1.0").withCommand("sh", "-c", command)
                .addNewEnv().withName("POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP")
                .endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("BATON_DATABASE_URL").withNewValueFrom().withNewSecretKeyRef()
                .withName(APP + "-database").withKey("url").endSecretKeyRef().endValueFrom().endEnv()
                .endContainer().endSpec().build();
        k8s.pods().inNamespace(ns).resource(pod).create();
        await().atMost(WAIT).until(() -> Optional.ofNullable(k8s.pods().inNamespace(ns).withName(name).get())
                .map(p -> p.getStatus().getPodIP()).isPresent());
        String ip = k8s.pods().inNamespace(ns).withName(name).get().getStatus().getPodIP();
        await().atMost(WAIT).until(() -> listening(ip, InstallOptions.API_PORT));
        return ip;
    }

    private void createTokensSecret(InstallTokens tokens) {
        k8s.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata()
                .withName(InstallManifests.tokensSecret(APP)).withLabels(InstallManifests.controlPlaneLabels(APP))
                .endMetadata().withStringData(Map.of(InstallManifests.API_TOKEN_KEY, tokens.api(), "proxy-token",
                        tokens.proxy())).build()).create();
    }

    private String spec(String classpath, String version) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        int listen;
        try (var s = new java.net.ServerSocket(0)) {
            listen = s.getLocalPort();
        }
        return """
                app: %s
                %s
                listen: %d
                instances: 1
                run: "%s -Xmx96m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp '%s' dev.baton.sample.SampleApp --port {port} --version {version}"
                env: { BATON_WORKER_LEASE: 3s, SAMPLE_JOB_MS: "10" }
                web: { readiness: /health/ready, liveness: /health/live }
                worker: { kinds: [sample.work] }
                drain: { timeout: 2s, jobs_soft: 1s, jobs_hard: 2s }
                strategy: { type: rolling, max_surge: 1, max_unavailable: 0, min_ready: 1s }
                progress_deadline: 90s
                kubernetes: { image: "baton-sample:{version}", namespace: %s }
                """.formatted(APP, version == null ? "" : "version: " + version, listen, java, classpath, ns);
    }

    private static boolean listening(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private String phase(String pod) {
        Pod p = k8s.pods().inNamespace(ns).withName(pod).get();
        return p == null || p.getStatus() == null ? null : p.getStatus().getPhase();
    }

    /** The test cluster's kubeconfig with its user's credentials replaced by {@code token} (mode 0600). */
    @SuppressWarnings("unchecked")
    private Path kubeconfigOf(String token) throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Map<String, Object> config = yaml.readValue(KubeTestCluster.kubeconfig().toFile(), Map.class);
        for (Map<String, Object> user : (List<Map<String, Object>>) config.get("users")) {
            user.put("user", Map.of("token", token));
        }
        Path file = dir.resolve("operator.kubeconfig");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        yaml.writeValue(file.toFile(), config);
        return file;
    }
}
