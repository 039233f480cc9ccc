package dev.baton.server.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.kube.KubeTestCluster;
import dev.baton.kube.NodeAgent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code baton verify --kubernetes --quick} on the test cluster: Baton's control plane (2 replicas, one leads) and
 * proxies (2 replicas) run as pods made from {@code kube install}'s manifests, the sample app as pods the leader
 * creates. Under steady HTTP load through one proxy pod and job load: a canary whose leading control plane pod is
 * SIGKILLed at its pause (the standby finishes it; the takeover time is measured), and a rolling deploy during which
 * the other proxy replica is SIGKILLed and an app pod force-deleted. No request may fail, no job be lost or done
 * twice, counted from the real load and the real jobs table.
 */
@Tag("kube")
class ZeroDowntimeOnKubernetesTest {

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void batonAsPodsKeepsEveryInvariantThroughALeaderKillAProxyKillAndAForceDeletedPod()
            throws Exception {
        StringWriter out = new StringWriter();
        int code = new CommandLine(new VerifyCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(System.err))
                .execute("--kubernetes", "--quick", "--json", "--kubeconfig", KubeTestCluster.kubeconfig().toString());
        System.err.println(out);
        JsonNode report = new ObjectMapper().readTree(out.toString());

        assertThat(report.path("scenarios")).extracting(s -> s.path("name").asText())
                .containsExactly("canary+leader-kill", "rolling+proxy-kill+pod-force-delete");
        for (JsonNode s : report.path("scenarios")) {
            String name = s.path("name").asText();
            assertThat(s.path("violations")).as(name).isEmpty();
            assertThat(s.path("passed").asBoolean()).as(name).isTrue();
            assertThat(s.path("rolled_back").asBoolean()).as(name).isFalse();
            assertThat(s.path("requests").path("sent").asInt()).as(name).isPositive();
            assertThat(s.path("requests").path("failed").asInt()).as(name).isZero();
            assertThat(s.path("requests").path("unknown").asInt()).as(name).isZero();
            JsonNode jobs = s.path("jobs");
            assertThat(jobs.path("enqueued").asInt()).as(name).isPositive();
            assertThat(jobs.path("completed").asInt()).as(name).isEqualTo(jobs.path("enqueued").asInt());
            assertThat(jobs.path("lost").asInt()).as(name).isZero();
            assertThat(jobs.path("duplicated").asInt()).as(name).isZero();
        }
        assertThat(report.path("scenarios").get(0).path("explanations")).extracting(JsonNode::asText)
                .anyMatch(e -> e.matches("injected: leader control plane pod \\S+ SIGKILLed mid-rollout; \\S+ took over "
                        + "in \\d+ ms \\(takeover time\\)"));
        assertThat(report.path("scenarios").get(1).path("explanations")).extracting(JsonNode::asText)
                .anyMatch(e -> e.startsWith("injected: proxy pod ") && e.contains(" holding v"))
                .anyMatch(e -> e.startsWith("injected: pod of ") && e.endsWith("force-deleted (grace period 0)"));
        assertThat(report.path("passed").asBoolean()).isTrue();
        assertThat(code).isZero();
        // Nothing is left behind: the namespace is being deleted (its pods with it) and the node agents' Nodes are gone.
        var k8s = KubeTestCluster.client();
        assertThat(k8s.namespaces().list().getItems()).filteredOn(n -> n.getMetadata().getName().startsWith("baton-verify-"))
                .allMatch(n -> n.getMetadata().getDeletionTimestamp() != null, "being deleted");
        assertThat(k8s.nodes().list().getItems()).extracting(n -> n.getMetadata().getName())
                .noneMatch(n -> n.startsWith(NodeAgent.NODE_PREFIX + ProcessHandle.current().pid() + "-"));
    }
}
