package dev.baton.kube;

import static dev.baton.kube.KubeYaml.map;

import dev.baton.rollout.AppSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The container every Baton pod runs, the same for {@code kube render}'s Deployment and the driver's Pods: the
 * spec's command, the named port, the environment, the probes and the preStop hook, with the grace period from
 * {@link Termination} (the one place for that arithmetic).
 */
final class PodTemplate {
    private PodTemplate() {}

    /** How the preStop delay is written: the kubelet's own {@code sleep} (1.30+), or {@code exec sleep} before it. */
    enum PreStopAction { SLEEP, EXEC_SLEEP }

    /**
     * The container of one version.
     *
     * @param extraEnv more environment after the generated one (e.g. the pod IP for the driver's pods)
     */
    static Map<String, Object> container(AppSpec spec, KubeOptions options, int port, Termination t,
                                         PreStopAction preStop, List<Map<String, Object>> extraEnv) {
        ContainerCommand command = ContainerCommand.of(spec.command(options.effectiveVersion(), port));
        List<Map<String, Object>> env = new ArrayList<>(ContainerEnv.of(spec, options, port));
        env.addAll(extraEnv);
        return map(
                "name", spec.app(),
                "image", options.image(),
                "imagePullPolicy", "IfNotPresent",
                "command", command.argv(),
                "ports", List.of(map("name", Probes.PORT_NAME, "containerPort", port, "protocol", "TCP")),
                "env", env,
                "readinessProbe", Probes.readiness(spec.web().readiness()),
                "livenessProbe", spec.web().liveness() == null ? null : Probes.liveness(spec.web().liveness(), t),
                "lifecycle", t.preStopSeconds() == 0 ? null : map("preStop", preStop(preStop, t.preStopSeconds())));
    }

    /** A preStop hook that waits {@code seconds} while the container still serves. */
    static Map<String, Object> preStop(PreStopAction action, long seconds) {
        return action == PreStopAction.SLEEP ? map("sleep", map("seconds", seconds))
                : map("exec", map("command", List.of("sleep", Long.toString(seconds))));
    }

    /** Whether the run line needs a shell (then only an {@code exec} of its last program lets SIGTERM reach it). */
    static boolean needsShell(AppSpec spec, KubeOptions options, int port) {
        return ContainerCommand.of(spec.command(options.effectiveVersion(), port)).needsShell();
    }
}
