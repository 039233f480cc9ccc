package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code baton status [--watch]}: the stable version, the rollout in progress (or the last), the instances. */
@Command(name = "status", description = "Show the running version, the current rollout and the instances.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    CommonOptions o;

    @Option(names = "--watch", description = "Show it again every 2 seconds until interrupted: redrawn in place on a "
            + "terminal, appended otherwise (with --json: one document per line).")
    boolean watch;

    @Override
    public Integer call() throws Exception {
        return Watch.run(o, watch, () -> {
            JsonNode s = o.client().status();
            if (o.json) {
                o.printJson(s);
            } else {
                print(s);
            }
        });
    }

    private void print(JsonNode s) {
        JsonNode proxy = s.path("proxy");
        String proxies = proxy.hasNonNull("replicas") ? proxy.path("replicas").size() + " proxy pod(s) on port "
                + proxy.path("trafficPort").asInt() + proxyPods(proxy.path("replicas"))
                : "proxy pid " + proxy.path("pid").asLong() + " on port " + proxy.path("trafficPort").asInt();
        o.out().printf("%s: stable %s; traffic: %s; %s%n", s.path("app").asText(),
                Views.orNone(s.path("stableVersion")), Views.traffic(s), proxies);
        JsonNode leader = s.path("leader");
        if (leader.hasNonNull("holder")) { // an election runs (external database): say this control plane's part
            o.out().println(leader.path("role").asText().equals("leader")
                    ? "control plane: leader, term " + leader.path("term").asLong() + " (" + leader.path("holder").asText() + ")"
                    : "control plane: standby (" + leader.path("holder").asText() + "); the leader is "
                            + (leader.hasNonNull("leader") ? leader.path("leader").asText() : "being elected"));
        }
        Views.rolloutLine(o.out(), s.path("rollout"));
        Views.instances(o.out(), s.path("instances"));
        Views.supervision(o.out(), s.path("supervision"));
        s.path("supervisionEvents").forEach(e -> Views.event(o.out(), e));
    }

    /** " (shop-baton-proxy-a SYNCED, …)", or nothing when there are none. */
    private static String proxyPods(JsonNode replicas) {
        java.util.List<String> each = new java.util.ArrayList<>();
        replicas.forEach(r -> each.add(r.path("id").asText() + " " + r.path("state").asText()));
        return each.isEmpty() ? "" : " (" + String.join(", ", each) + ")";
    }
}
