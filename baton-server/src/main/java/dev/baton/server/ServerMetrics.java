package dev.baton.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;

/**
 * The control plane's Prometheus metrics ({@code GET /metrics}): the rollout in progress, instances by state,
 * rollout steps or engine runs that failed, API requests by status. Traffic metrics per version are the
 * proxy's own ({@code /metrics} on its admin port).
 */
final class ServerMetrics {
    private static final List<String> PHASES = List.of("PROGRESSING", "ROLLING_BACK", "SUCCEEDED", "ROLLED_BACK");
    private static final List<String> STATES = List.of("STARTING", "READY", "DRAINING", "STOPPED", "FAILED");
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    ServerMetrics(ControlPlane cp) {
        for (String phase : PHASES) {
            Gauge.builder("baton_rollout_phase", () -> phaseOf(cp).equals(phase) ? 1 : 0)
                    .description("1 for the phase of the current (or last) rollout").tag("phase", phase)
                    .register(registry);
        }
        for (String state : STATES) {
            Gauge.builder("baton_instances", () -> cp.status().instances().stream()
                            .filter(i -> i.state().equals(state)).count())
                    .description("instances by state").tag("state", state).register(registry);
        }
        Gauge.builder("baton_rollout_step_failures", () -> cp.deployments().flatMap(Deployments::active)
                        .map(a -> a.engine().failures()).orElse(0L))
                .description("steps of the current rollout that threw (each retried)").register(registry);
        Gauge.builder("baton_leader", () -> cp.leadership().role().equals("leader") ? 1 : 0)
                .description("1 while this control plane leads (drives rollouts and supervision), 0 on a standby")
                .register(registry);
        Gauge.builder("baton_leader_election_failures", cp::electionFailures)
                .description("turns of the leader election that failed (logged; the next turn follows)").register(registry);
        Gauge.builder("baton_rollout_engine_restarts", () -> cp.deployments().map(d -> d.engineFailures.get()).orElse(0L))
                .description("times a rollout thread hit an error outside a step and carried on").register(registry);
    }

    private static String phaseOf(ControlPlane cp) {
        try {
            StatusView.Rollout r = cp.status().rollout();
            return r == null ? "" : r.phase();
        } catch (RuntimeException e) {
            return "";
        }
    }

    void request(int status) {
        Counter.builder("baton_api_requests").description("REST API requests answered, by HTTP status")
                .tag("status", Integer.toString(status)).register(registry).increment();
    }

    String scrape() {
        return registry.scrape();
    }
}
