package dev.baton.server.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.server.scenario.ClusterStage;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * A {@link ClusterStage} as a verification target: Baton's control plane and proxies as pods, the app as pods. Faults
 * that signal processes of this host, restart its database or its control plane process are local-only and are
 * refused before a run starts ({@link FaultKind#injectableOn}); the methods they would call say so.
 */
public final class ClusterTarget implements VerifyTarget, ClusterFaultTarget {

    private final ClusterStage stage;

    public ClusterTarget(ClusterStage stage) {
        this.stage = stage;
    }

    @Override
    public URI traffic() {
        return stage.traffic();
    }

    @Override
    public DataSource dataSource() {
        return stage.dataSource();
    }

    @Override
    public DeployOutcome deploy(String version, String strategy, Map<String, String> env, Duration timeout)
            throws InterruptedException {
        return DeployOutcome.of(stage.deploy(version, strategy, env, timeout));
    }

    @Override
    public boolean awaitNoRollout(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Boolean> running = stage.rolloutInProgress();
            if (running.isPresent() && !running.get()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    /** The instances as the leader reports them (pid -1: they are pods), or none while no control plane leads. */
    @Override
    public List<InstanceRef> instances() {
        try {
            List<InstanceRef> out = new ArrayList<>();
            for (JsonNode i : stage.instances()) {
                out.add(new InstanceRef(i.path("id").asText(), i.path("version").asText(), i.path("pid").asLong(),
                        i.path("port").asInt(), i.path("state").asText()));
            }
            return out;
        } catch (RuntimeException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    @Override
    public int requestsInside(InstanceRef instance) {
        return -1;
    }

    @Override
    public int jobsHeld(InstanceRef instance) {
        return -1;
    }

    @Override
    public void signal(InstanceRef instance, Signal signal) {
        throw local("signalling an instance's process");
    }

    @Override
    public void restartDatabase() {
        throw local("restarting the database");
    }

    @Override
    public void killControlPlane() {
        throw local("killing the control plane process");
    }

    @Override
    public void startControlPlane() {
        throw local("starting the control plane process");
    }

    @Override
    public String killLeader() throws InterruptedException {
        ClusterStage.Takeover t = stage.killLeader();
        return "leader control plane pod " + t.killed() + " SIGKILLed mid-rollout; " + t.successor() + " took over in "
                + t.took().toMillis() + " ms (takeover time)";
    }

    @Override
    public String killProxy() throws InterruptedException {
        ClusterStage.ProxyReplacement r = stage.killProxy();
        if (r.table().startsWith("none")) {
            throw new IllegalStateException("proxy pod " + r.replacement() + " turned Ready without a table: "
                    + r.table());
        }
        return "proxy pod " + r.killed() + " SIGKILLed mid-rollout (load through " + stage.trafficPod() + "); "
                + "replacement " + r.replacement() + " Ready after " + r.readyAfter().toMillis() + " ms holding "
                + r.table() + " (serving replica: " + r.servingTable() + ")";
    }

    @Override
    public boolean forceDelete(InstanceRef instance) {
        return stage.forceDelete(instance.id());
    }

    private static UnsupportedOperationException local(String what) {
        return new UnsupportedOperationException(what + " is a local fault; not with --kubernetes");
    }
}
