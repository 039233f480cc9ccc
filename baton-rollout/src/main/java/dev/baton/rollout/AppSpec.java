package dev.baton.rollout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a user deploys: the app spec (docs/rollouts.md), parsed from YAML by {@link #parse(String)}.
 *
 * @param app the app's name (lowercase letters, digits and dashes)
 * @param listen the proxy's public port
 * @param instances the desired number of instances
 * @param run the command line; {@code {port}} and {@code {version}} are filled in per instance
 * @param env extra environment for every instance
 * @param web readiness and liveness paths
 * @param worker the job kinds the instances consume, or null when they consume none
 * @param drain how an instance is taken away
 * @param strategy how one version replaces another
 * @param progressDeadline how long new instances may take to become ready before the deploy is rolled back
 * @param maxStartFailures how many instances in a row may exit before they are ready before a rollout is rolled back
 * @param kubernetes how instances run as Pods on Kubernetes, or null when the spec has no {@code kubernetes} section
 */
public record AppSpec(String app, int listen, int instances, String run, Map<String, String> env, WebSpec web,
                      WorkerSpec worker, DrainSpec drain, StrategySpec strategy, Duration progressDeadline,
                      int maxStartFailures, KubernetesSpec kubernetes) {
    static final Pattern APP_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    public static final int MAX_INSTANCES = 100;
    public static final Duration DEFAULT_PROGRESS_DEADLINE = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_START_FAILURES = 3;

    public AppSpec {
        if (app == null || !APP_NAME.matcher(app).matches()) {
            throw new IllegalArgumentException("app: must be 1..63 lowercase letters, digits or dashes, got " + app);
        }
        if (listen < 1 || listen > 65535) {
            throw new IllegalArgumentException("listen: must be a port 1..65535, got " + listen);
        }
        if (instances < 1 || instances > MAX_INSTANCES) {
            throw new IllegalArgumentException("instances: must be 1.." + MAX_INSTANCES + ", got " + instances);
        }
        if (run == null || run.isBlank()) {
            throw new IllegalArgumentException("run: must be a command line");
        }
        env = Map.copyOf(new TreeMap<>(env == null ? Map.of() : env));
        if (web == null || drain == null || strategy == null) {
            throw new IllegalArgumentException("web, drain and strategy: must be set (use the defaults)");
        }
        if (progressDeadline == null || !progressDeadline.isPositive()) {
            throw new IllegalArgumentException("progress_deadline: must be a duration > 0, got " + progressDeadline);
        }
        if (maxStartFailures == 0) {
            maxStartFailures = DEFAULT_MAX_START_FAILURES; // a spec stored before the field existed
        }
        if (maxStartFailures < 1 || maxStartFailures > 100) {
            throw new IllegalArgumentException("max_start_failures: must be 1..100, got " + maxStartFailures);
        }
    }

    /**
     * Parses and validates a YAML spec.
     *
     * @throws SpecException listing every problem found
     */
    public static AppSpec parse(String yaml) {
        return new SpecParser().parse(yaml);
    }

    /**
     * Parses a spec file's YAML with its optional top-level {@code version} (the version to deploy on a fresh
     * start, validated like any other field).
     *
     * @throws SpecException listing every problem found
     */
    public static Versioned parseVersioned(String yaml) {
        SpecParser parser = new SpecParser();
        AppSpec spec = parser.parse(yaml);
        return new Versioned(spec, parser.version());
    }

    /** A spec and the version its file names ({@code null} when it names none). */
    public record Versioned(AppSpec spec, String version) {}

    /** A spec without a {@code kubernetes} section, with the default {@code max_start_failures}. */
    public AppSpec(String app, int listen, int instances, String run, Map<String, String> env, WebSpec web,
                   WorkerSpec worker, DrainSpec drain, StrategySpec strategy, Duration progressDeadline) {
        this(app, listen, instances, run, env, web, worker, drain, strategy, progressDeadline,
                DEFAULT_MAX_START_FAILURES, null);
    }

    /** Reads and parses a spec file. */
    public static AppSpec load(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    /** The command line for one instance, with {@code {port}} and {@code {version}} filled in. */
    public String command(String version, int port) {
        return run.replace("{port}", Integer.toString(port)).replace("{version}", version);
    }

    /** Whether the instances consume jobs (and so take part in job shares). */
    public boolean hasWorker() {
        return worker != null;
    }

    /**
     * This spec with its strategy replaced by a {@code strategy} section given on its own (YAML or JSON, e.g.
     * {@code {type: blue-green, scale_down_delay: 5s}}), validated as it would be inside the spec.
     *
     * @throws SpecException naming each bad field by its path ({@code strategy.…})
     */
    public AppSpec withStrategySection(String section) {
        return withStrategy(new SpecParser().strategySection(section, instances, listen));
    }

    /** The same spec with another strategy (e.g. {@code baton deploy --strategy}). */
    public AppSpec withStrategy(StrategySpec s) {
        return new AppSpec(app, listen, instances, run, env, web, worker, drain, s, progressDeadline, maxStartFailures,
                kubernetes);
    }

    /** The same spec with another environment (e.g. what the control plane adds for every instance). */
    public AppSpec withEnv(Map<String, String> e) {
        return new AppSpec(app, listen, instances, run, e, web, worker, drain, strategy, progressDeadline,
                maxStartFailures, kubernetes);
    }

    /** The same spec with another {@code kubernetes} section (e.g. {@code baton up --namespace}). */
    public AppSpec withKubernetes(KubernetesSpec k) {
        return new AppSpec(app, listen, instances, run, env, web, worker, drain, strategy, progressDeadline,
                maxStartFailures, k);
    }

    /**
     * This spec with single fields changed ({@code strategy.auto_promote → false}), each checked against its kind and
     * the result validated as a whole spec.
     *
     * @throws SpecException naming each bad setting by its path
     */
    public AppSpec withSettings(Map<String, String> settings) {
        return settings.isEmpty() ? this : SpecSettings.apply(this, settings);
    }
}
