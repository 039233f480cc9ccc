package dev.baton.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Test teardown: kills whatever a control plane left running under one {@code .baton} home — the instances
 * (by process group, from their records), the proxy (by its process group), the embedded PostgreSQL, and any
 * process whose command line names the home's parent directory (the tests put it into every command).
 */
final class DataPlaneReaper {
    private DataPlaneReaper() {}

    static void reap(BatonHome home) {
        Path tag = home.dir().getParent();
        recordedPids(home.instancesDir()).forEach(DataPlaneReaper::killGroup);
        recordedPids(home.proxyDir()).forEach(DataPlaneReaper::killGroup);
        ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> p.info().commandLine().map(c -> c.contains(tag.toString())).orElse(false))
                .forEach(p -> {
                    killGroup(p.pid());
                    p.destroyForcibly();
                });
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
                    return Stream.of(Json.MAPPER.readTree(f.toFile()).path("pid").asLong());
                } catch (IOException e) {
                    return Stream.empty();
                }
            }).filter(p -> p > 1).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    static void killGroup(long pgid) {
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
