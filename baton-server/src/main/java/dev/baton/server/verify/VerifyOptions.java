package dev.baton.server.verify;

import dev.baton.common.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The options of {@code baton verify}, validated.
 *
 * @param spec the app spec to verify, or {@code null} for the sample app
 * @param strategies the strategies to deploy with, in order (non-empty)
 * @param duration with a value, the scenarios repeat until this much time has passed (a soak); {@code null}
 *     runs each once
 * @param rate HTTP requests per second, 1..5000
 * @param faults the faults to inject, each on each strategy; {@code null} for the standard scenarios, empty
 *     for healthy deploys only
 * @param quick the short run
 * @param json JSON on standard output
 * @param kubeconfig with a value, the run is on that Kubernetes cluster, Baton itself as pods
 *     ({@code --kubernetes}); {@code null} for the local stage
 */
public record VerifyOptions(Path spec, List<String> strategies, Duration duration, int rate, List<FaultKind> faults,
                            boolean quick, boolean json, Path kubeconfig) {

    /** Options for the local stage. */
    public VerifyOptions(Path spec, List<String> strategies, Duration duration, int rate, List<FaultKind> faults,
                         boolean quick, boolean json) {
        this(spec, strategies, duration, rate, faults, quick, json, null);
    }

    public VerifyOptions {
        strategies = List.copyOf(strategies);
        if (strategies.isEmpty()) {
            throw new IllegalArgumentException("--strategy: choose at least one of rolling, blue-green, canary, all");
        }
        if (duration != null && (duration.isZero() || duration.isNegative())) {
            throw new IllegalArgumentException("--duration: must be more than 0, got " + duration);
        }
        if (rate < 1 || rate > 5000) {
            throw new IllegalArgumentException("--rate: must be 1..5000 requests per second, got " + rate);
        }
        faults = faults == null ? null : List.copyOf(faults);
        if (faults != null) {
            faults.forEach(k -> refuseElsewhere(k, kubeconfig != null));
        }
    }

    /** Whether the run is on a Kubernetes cluster. */
    public boolean kubernetes() {
        return kubeconfig != null;
    }

    /** {@code rolling}, {@code blue-green}, {@code canary}, or {@code all}; comma-separated lists too. */
    public static List<String> parseStrategies(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : text.split(",", -1)) {
            String t = s.trim();
            if (t.equals("all")) {
                out.addAll(Scenario.STRATEGIES);
            } else if (Scenario.STRATEGIES.contains(t)) {
                out.add(t);
            } else {
                throw new IllegalArgumentException("--strategy: unknown strategy '" + t
                        + "'; allowed: rolling, blue-green, canary, all");
            }
        }
        return List.copyOf(out);
    }

    /** Fault names for the local stage; see {@link #parseFaults(String, boolean)}. */
    public static List<FaultKind> parseFaults(String text) {
        return parseFaults(text, false);
    }

    /**
     * Fault names, comma-separated; {@code all} for every fault that can be injected on the stage ({@code kubernetes}
     * or local), {@code none} for healthy deploys only. A fault of the other stage is refused, naming it.
     */
    public static List<FaultKind> parseFaults(String text, boolean kubernetes) {
        List<FaultKind> out = new ArrayList<>();
        for (String s : text.split(",", -1)) {
            String t = s.trim();
            if (t.equals("all")) {
                List.of(FaultKind.values()).stream().filter(k -> k.injectableOn(kubernetes)).forEach(out::add);
            } else if (!t.equals("none")) {
                out.add(refuseElsewhere(FaultKind.parse(t), kubernetes));
            }
        }
        return List.copyOf(new LinkedHashSet<>(out));
    }

    private static FaultKind refuseElsewhere(FaultKind k, boolean kubernetes) {
        if (k.injectableOn(kubernetes)) {
            return k;
        }
        throw new IllegalArgumentException(kubernetes
                ? "--faults: " + k.option() + " acts on this host's processes or database, not with --kubernetes; "
                        + "allowed with --kubernetes: " + FaultKind.allowed(true)
                : "--faults: " + k.option() + " needs --kubernetes (Baton's own pods on a cluster)");
    }

    /** A soak length such as {@code 30m}. */
    public static Duration parseDuration(String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--duration: " + e.getMessage());
        }
    }
}
