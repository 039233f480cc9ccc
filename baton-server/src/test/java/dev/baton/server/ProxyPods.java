package dev.baton.server;

import dev.baton.kube.InstallManifests;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Proxy pods as the install's Deployment makes them (its labels, the admin port, readiness on {@code /ready}), with a
 * command the node agent can run on this host: a shell line where {@code $POD_IP} is the pod's loopback address.
 */
final class ProxyPods {
    private ProxyPods() {}

    /**
     * @param node the node to bind it to ({@code spec.nodeName}), or null to leave it to the scheduler
     */
    static void create(KubernetesClient k8s, String ns, String app, String name, String node, int adminPort,
                       String command) {
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(ns)
                .withLabels(InstallManifests.proxyLabels(app)).endMetadata()
                .withNewSpec().withNodeName(node).withRestartPolicy("Never").withTerminationGracePeriodSeconds(5L)
                .addNewContainer().withName("proxy").withImage("baton:0.1.0").withCommand("sh", "-c", command)
                .addNewEnv().withName("POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP")
                .endFieldRef().endValueFrom().endEnv()
                .addNewPort().withName("admin").withContainerPort(adminPort).endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath("/ready").withPort(new IntOrString("admin"))
                .endHttpGet().withPeriodSeconds(1).endReadinessProbe()
                .endContainer().endSpec().build();
        k8s.pods().inNamespace(ns).resource(pod).create();
    }
}
