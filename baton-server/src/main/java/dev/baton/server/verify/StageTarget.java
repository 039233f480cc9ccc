package dev.baton.server.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.server.scenario.Stage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * A {@link Stage} as a verification target. Requests inside an instance come from its readiness endpoint
 * ({@code in_flight}); jobs it holds from the queue (leases owned by a worker whose pid is in the
 * instance's process tree); signals go to its process group, as {@code kill -s SIG -- -PGID}.
 */
public final class StageTarget implements VerifyTarget {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Stage stage;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    public StageTarget(Stage stage) {
        this.stage = stage;
    }

    @Override
    public URI traffic() {
        return URI.create("http://127.0.0.1:" + stage.trafficPort());
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
            try {
                String phase = stage.client().status().path("rollout").path("phase").asText("");
                if (!phase.equals("PROGRESSING") && !phase.equals("ROLLING_BACK")) {
                    return true;
                }
            } catch (RuntimeException e) {
                // the control plane or its database is not answering yet: ask again
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    /** The instances, or none while the control plane cannot answer (it may be the fault being injected). */
    @Override
    public List<InstanceRef> instances() {
        try {
            return stage.instances().stream()
                    .map(i -> new InstanceRef(i.id(), i.version(), i.pid(), i.port(), i.state())).toList();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    @Override
    public int requestsInside(InstanceRef instance) {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.port() + "/health/ready"))
                .timeout(Duration.ofSeconds(1)).build();
        try {
            // 200 or 503 (draining): both carry the count.
            String body = http.send(req, HttpResponse.BodyHandlers.ofString()).body();
            return JSON.readTree(body).path("in_flight").asInt(-1);
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public int jobsHeld(InstanceRef instance) {
        Set<Long> pids = processTree(instance.pid());
        int held = 0;
        try (Connection c = stage.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT lease_owner FROM baton_jobs WHERE state = 'RUNNING' "
                     + "AND lease_expires_at > now()");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (pids.contains(ownerPid(rs.getString(1)))) {
                    held++;
                }
            }
        } catch (SQLException e) {
            return -1;
        }
        return held;
    }

    /** The pid in a worker id {@code host-pid-xxxx}; -1 when it has none. */
    static long ownerPid(String workerId) {
        if (workerId == null) {
            return -1;
        }
        String[] parts = workerId.split("-");
        try {
            return parts.length >= 3 ? Long.parseLong(parts[parts.length - 2]) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Set<Long> processTree(long pid) {
        return ProcessHandle.of(pid).map(p -> Stream.concat(Stream.of(p), p.descendants()).map(ProcessHandle::pid)
                .collect(Collectors.toSet())).orElse(Set.of());
    }

    @Override
    public void signal(InstanceRef instance, Signal signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-s", signal.name(), "--", "-" + instance.pid())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -s " + signal + " -- -" + instance.pid() + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + instance.id(), e);
        }
    }

    @Override
    public void restartDatabase() {
        stage.restartDatabase();
    }

    @Override
    public void killControlPlane() {
        try {
            stage.killControlPlane();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing the control plane", e);
        }
    }

    @Override
    public void startControlPlane() {
        try {
            stage.startControlPlane();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the control plane", e);
        }
    }
}
