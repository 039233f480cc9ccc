package dev.baton.server;

import dev.baton.common.Version;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A request to roll out {@code version}: optionally with another strategy type than the spec's
 * ({@code rolling}, {@code blue-green}, {@code canary}, with that type's defaults) or a whole strategy section
 * ({@code strategySection}, YAML or JSON, validated like the spec's, e.g. {@code {type: blue-green,
 * scale_down_delay: 5s}}), extra environment for the new instances, and one-off {@code settings} of single spec
 * fields ({@code strategy.auto_promote=false}, as {@code deploy --set} gives them), validated like the spec.
 */
public record DeployRequest(String version, String strategy, Map<String, String> env, String strategySection,
                            Map<String, String> settings) {
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    static final java.util.List<String> STRATEGIES = java.util.List.of("rolling", "blue-green", "canary");

    public DeployRequest {
        if (!Version.isValid(version)) {
            throw ApiException.badRequest(Version.problem("version", version));
        }
        if (strategy != null && !STRATEGIES.contains(strategy)) {
            throw ApiException.badRequest("strategy: must be one of " + String.join(", ", STRATEGIES) + ", got '"
                    + strategy + "'");
        }
        if (strategy != null && strategySection != null) {
            throw ApiException.badRequest("strategy: give a type or a whole strategy section, not both");
        }
        env = env == null ? Map.of() : Map.copyOf(new TreeMap<>(env));
        settings = settings == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
        for (String k : env.keySet()) {
            if (!ENV_NAME.matcher(k).matches()) {
                throw ApiException.badRequest("env." + k + ": a name must be letters, digits and '_', not starting with a digit");
            }
        }
    }

    public DeployRequest(String version, String strategy, Map<String, String> env) {
        this(version, strategy, env, null, Map.of());
    }

    public DeployRequest(String version, String strategy, Map<String, String> env, String strategySection) {
        this(version, strategy, env, strategySection, Map.of());
    }

    /** This request with one-off settings of single spec fields. */
    public DeployRequest withSettings(Map<String, String> set) {
        return new DeployRequest(version, strategy, env, strategySection, set);
    }

    public static DeployRequest of(String version) {
        return new DeployRequest(version, null, Map.of());
    }

    /** This request with a whole strategy section instead of the spec's strategy. */
    public DeployRequest withStrategySection(String section) {
        return new DeployRequest(version, null, env, section, settings);
    }
}
