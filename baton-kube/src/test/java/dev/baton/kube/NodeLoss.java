package dev.baton.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The fault "node lost" on the test cluster: a node agent stops as a dead machine does ({@link NodeAgent#lose}), and
 * the real node-lifecycle controller notices after its {@code --node-monitor-grace-period} (20 s on the test
 * cluster, 40 s by default) and marks the node NotReady; its pods are evicted once their
 * {@code kubernetes.node_loss_toleration} has run out.
 *
 * @param node     the lost node's name
 * @param lost     when the agent stopped
 * @param notReady when the node was first seen NotReady (its Ready condition no longer True)
 */
public record NodeLoss(String node, Instant lost, Instant notReady) {
    private static final Duration POLL = Duration.ofMillis(250);

    /** From the loss until the controller marked the node NotReady. */
    public Duration untilNotReady() {
        return Duration.between(lost, notReady);
    }

    /**
     * Loses {@code agent}'s node and waits until the node-lifecycle controller has marked it NotReady.
     *
     * @throws IllegalStateException when it is not NotReady within {@code timeout} (or its Node is gone)
     */
    public static NodeLoss of(KubernetesClient client, NodeAgent agent, Duration timeout) throws InterruptedException {
        Instant lost = agent.lose();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ready(client, agent.nodeName())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("node " + agent.nodeName() + " still Ready " + timeout.toSeconds()
                        + "s after it was lost: is the node-lifecycle controller running?");
            }
            TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
        }
        return new NodeLoss(agent.nodeName(), lost, Instant.now());
    }

    /** Whether the node's Ready condition is True. */
    public static boolean ready(KubernetesClient client, String node) {
        Node n = client.nodes().withName(node).get();
        if (n == null) {
            throw new IllegalStateException("node " + node + " is gone (deleted while it was being lost)");
        }
        if (n.getStatus() == null || n.getStatus().getConditions() == null) {
            return false;
        }
        for (NodeCondition c : n.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }
}
