package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A control plane in its own JVM ({@code baton up}), for the demo and for tests that kill it for real:
 * {@link #start()}, {@link #awaitApi(Duration)}, {@link #kill()} (SIGKILL: no shutdown hook runs, the data
 * plane keeps running), {@link #start()} again to restart on the same home. Talk to it with {@link #client()}.
 * It runs in its own session, so a signal to the caller's process group does not reach it.
 */
public final class ControlPlaneProcess implements AutoCloseable {
    private final BatonHome home;
    private final Path specFile;
    private final String classpath;
    private final Map<String, String> env;
    private final Path logFile;
    private final List<String> upArgs = new ArrayList<>();
    private Process process;

    /**
     * @param specFile the spec for the first start (later starts reuse the stored one when null)
     * @param classpath the classpath with baton-server and what the proxy needs
     * @param env extra environment (e.g. {@code BATON_DATABASE_URL})
     */
    public ControlPlaneProcess(BatonHome home, Path specFile, String classpath, Map<String, String> env) {
        this(home, specFile, classpath, env, List.of());
    }

    /** @param upOptions more options for {@code baton up}, e.g. {@code --kubernetes --kubeconfig F} */
    public ControlPlaneProcess(BatonHome home, Path specFile, String classpath, Map<String, String> env,
                               List<String> upOptions) {
        this.upArgs.addAll(upOptions);
        this.home = home;
        this.specFile = specFile;
        this.classpath = classpath;
        this.env = Map.copyOf(env);
        this.logFile = home.dir().resolveSibling("control-plane.log");
    }

    /** More options for {@code baton up} (e.g. {@code --instance-ports 20000-20999}), for every start from now on. */
    public synchronized ControlPlaneProcess withUpArgs(String... args) {
        upArgs.addAll(List.of(args));
        return this;
    }

    /** Starts {@code baton up} (again, after a kill). Returns at once; see {@link #awaitApi}. */
    public synchronized ControlPlaneProcess start() {
        List<String> cmd = new ArrayList<>(List.of("setsid", ProxyProcess.javaBinary(), "-Xmx384m", "-cp", classpath,
                BatonCommand.class.getName(), "up"));
        if (specFile != null) {
            cmd.add(specFile.toString());
        }
        cmd.addAll(List.of("--home", home.dir().toString()));
        cmd.addAll(upArgs);
        try {
            Files.createDirectories(home.dir());
            Files.deleteIfExists(home.apiFile());
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            process = pb.start();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the control plane: " + e.getMessage(), e);
        }
    }

    /** Waits until this process's REST API answers (it wrote {@code api.json} with its pid). */
    public JsonNode awaitApi(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        BatonClient client = client();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the control plane exited with code " + process.exitValue() + "; see " + logFile);
            }
            try {
                if (Files.exists(home.apiFile())
                        && Json.MAPPER.readTree(home.apiFile().toFile()).path("pid").asLong() == pid()) {
                    return client.status();
                }
            } catch (IOException | BatonClient.Unreachable e) {
                // not up yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the control plane did not answer within " + timeout.toSeconds()
                        + "s; see " + logFile);
            }
            Thread.sleep(200);
        }
    }

    public BatonClient client() {
        return new BatonClient(home);
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /**
     * SIGKILL to the control plane's whole process group (as a terminal or a service manager would kill it):
     * it dies at once, and so would anything it started without a session of its own. The proxy, the
     * instances and the database keep running.
     */
    public synchronized void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            try {
                new ProcessBuilder("kill", "-s", "KILL", "--", "-" + process.pid()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                // fall back to the process alone
            }
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Kills the control plane process (only it; use {@code baton down} to stop the data plane). */
    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
