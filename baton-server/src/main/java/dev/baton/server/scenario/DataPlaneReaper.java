package dev.baton.server.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.server.BatonHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The last resort of a teardown: kills whatever a control plane left running under one {@code .baton} home —
 * the instances (by process group, from their records), the proxy (by its process group), the embedded
 * PostgreSQL (fast shutdown), and any process whose command line names the home's parent directory (the
 * tests and the stage put it into every command). Used after {@code baton down}, or instead of it when the
 * control plane does not answer.
 */
public final class DataPlaneReaper {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DataPlaneReaper() {}

    /** Kills the recorded instances and proxy of {@code home} and stops its embedded PostgreSQL. */
    public static void reap(BatonHome home) {
        reap(home, null);
    }

    /**
     * As {@link #reap(BatonHome)}, and kills any process whose command line contains {@code tag} (a test's
     * temporary directory; never a directory another Baton may run under).
     */
    public static void reap(BatonHome home, Path tag) {
        recordedPids(home.instancesDir()).forEach(DataPlaneReaper::killGroup);
        recordedPids(home.proxyDir()).forEach(DataPlaneReaper::killGroup);
        if (tag != null) {
            ProcessHandle.allProcesses()
                    .filter(p -> p.pid() != ProcessHandle.current().pid())
                    .filter(p -> p.info().commandLine().map(c -> c.contains(tag.toString())).orElse(false))
                    .forEach(p -> {
                        killGroup(p.pid());
                        p.destroyForcibly();
                    });
        }
        Path pidFile = home.pgDir().resolve("postmaster.pid");
        if (Files.exists(pidFile)) {
            try {
                long pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
                ProcessHandle.of(pid).ifPresent(p -> {
                    signal("INT", Long.toString(pid)); // fast shutdown
                    try {
                        p.onExit().get(20, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        p.destroyForcibly();
                    }
                });
            } catch (IOException | RuntimeException e) {
                // nothing to stop
            }
        }
    }

    private static List<Long> recordedPids(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".json")).flatMap(f -> {
                try {
                    return Stream.of(JSON.readTree(f.toFile()).path("pid").asLong());
                } catch (IOException e) {
                    return Stream.empty();
                }
            }).filter(p -> p > 1).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** SIGKILL to a process group (and to its leader, should it have left the group). */
    public static void killGroup(long pgid) {
        signal("KILL", "-" + pgid);
        ProcessHandle.of(pgid).ifPresent(ProcessHandle::destroyForcibly);
    }

    private static void signal(String sig, String target) {
        try {
            Process kill = new ProcessBuilder("kill", "-s", sig, "--", target).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // best effort
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
