package dev.baton.rollout;

import dev.baton.common.Version;
import dev.baton.common.Durations;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns spec YAML into an {@link AppSpec}, reporting every problem at once. */
final class SpecParser {
    static final List<String> TOP = List.of("app", "listen", "instances", "run", "env", "web", "worker", "drain",
            "strategy", "progress_deadline", "max_start_failures", "version", "kubernetes");
    static final List<String> WEB = List.of("readiness", "liveness", "trusted_proxies", "pin");
    static final List<String> PIN = List.of("header", "trusted");
    /** An IPv4 or IPv6 literal with an optional prefix length; the proxy checks the numbers. */
    private static final Pattern ADDRESS_OR_BLOCK = Pattern.compile("[0-9A-Fa-f.:]*[.:][0-9A-Fa-f.:]*(/\\d{1,3})?");
    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9-]{1,64}");
    static final List<String> WORKER = List.of("kinds");
    static final List<String> DRAIN = List.of("timeout", "jobs_soft", "jobs_hard");
    static final List<String> ROLLING = List.of("type", "max_surge", "max_unavailable", "min_ready");
    static final List<String> BLUE_GREEN = List.of("type", "preview", "smoke", "auto_promote", "scale_down_delay");
    static final List<String> CANARY = List.of("type", "steps", "analysis");
    static final List<String> STEP = List.of("weight", "pause");
    static final List<String> ANALYSIS = List.of("interval", "max_error_rate", "max_p99", "max_job_failure_rate",
            "min_requests");
    static final List<String> TYPES = List.of("rolling", "blue-green", "canary");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final SpecReader r = new SpecReader();
    private String version;

    /** The top-level {@code version} of the last {@link #parse}: the version to deploy first; null when absent. */
    String version() {
        return version;
    }

    /** A {@code strategy} section on its own (YAML or JSON), validated as in a spec of that many instances. */
    StrategySpec strategySection(String yaml, int instances, int listen) {
        JsonNode node;
        try {
            node = YAML.readTree(yaml == null ? "" : yaml);
        } catch (JsonProcessingException e) {
            throw new SpecException(List.of("strategy: " + e.getOriginalMessage()));
        }
        com.fasterxml.jackson.databind.node.ObjectNode root = YAML.createObjectNode();
        root.set("strategy", node);
        StrategySpec s = strategy(root, instances, listen);
        if (!r.errors().isEmpty()) {
            throw new SpecException(r.errors());
        }
        return s;
    }

    AppSpec parse(String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml == null ? "" : yaml);
        } catch (JsonProcessingException e) {
            throw new SpecException(List.of("yaml: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : "")));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new SpecException(List.of("app: required (the spec is empty)"));
        }
        if (!root.isObject()) {
            throw new SpecException(List.of("spec: must be a mapping of fields, got " + SpecReader.describe(root)));
        }
        r.allowOnly(root, "", TOP, "");

        String app = r.string(root, "app", "app", true);
        if (app != null && !AppSpec.APP_NAME.matcher(app).matches()) {
            r.error("app", "must be 1..63 lowercase letters, digits or dashes (e.g. shop), got '" + app + "'");
        }
        Integer listen = r.integer(root, "listen", "listen", 1, 65535);
        Integer instances = r.integer(root, "instances", "instances", 1, AppSpec.MAX_INSTANCES);
        String run = r.string(root, "run", "run", true);
        checkRun(run);
        Map<String, String> env = env(root);
        WebSpec web = web(root);
        WorkerSpec worker = worker(root);
        DrainSpec drain = drain(root);
        int desired = instances == null ? 1 : instances;
        StrategySpec strategy = strategy(root, desired, listen == null ? 8080 : listen);
        Duration deadline = r.duration(root, "progress_deadline", "progress_deadline");
        KubernetesSpec kubernetes = new KubernetesSpecParser(r).parse(root, app == null ? "app" : app);
        Integer maxStartFailures = r.integer(root, "max_start_failures", "max_start_failures", 1, 100);
        JsonNode v = root.get("version");
        if (v != null && !v.isNull()) {
            if (v.isTextual() && Version.isValid(v.asText())) {
                version = v.asText();
            } else {
                r.error("version", "must be " + Version.RULE + ", got "
                        + (v.isTextual() ? "'" + v.asText() + "'" : SpecReader.describe(v)));
            }
        }
        if (deadline != null && !deadline.isPositive()) {
            r.error("progress_deadline", "must be a duration > 0, got 0");
        }

        if (!r.errors().isEmpty()) {
            throw new SpecException(r.errors());
        }
        try {
            return new AppSpec(app, listen == null ? 8080 : listen, desired, run, env, web, worker, drain, strategy,
                    deadline == null ? AppSpec.DEFAULT_PROGRESS_DEADLINE : deadline,
                    maxStartFailures == null ? AppSpec.DEFAULT_MAX_START_FAILURES : maxStartFailures, kubernetes);
        } catch (IllegalArgumentException e) {
            throw new SpecException(List.of(e.getMessage()));
        }
    }

    private void checkRun(String run) {
        if (run == null) {
            return;
        }
        if (run.isBlank()) {
            r.error("run", "must be a command line, e.g. \"java -jar app-{version}.jar --port {port}\"");
        }
        Matcher m = PLACEHOLDER.matcher(run);
        while (m.find()) {
            if (!m.group(1).equals("port") && !m.group(1).equals("version")) {
                r.error("run", "unknown placeholder {" + m.group(1) + "}; allowed: {port}, {version}");
            }
        }
    }

    private Map<String, String> env(JsonNode root) {
        JsonNode n = r.object(root, "env", "env");
        Map<String, String> env = new LinkedHashMap<>();
        if (n == null) {
            return env;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = "env." + e.getKey();
            if (!ENV_NAME.matcher(e.getKey()).matches()) {
                r.error(path, "not a valid variable name; allowed: letters, digits and _, not starting with a digit");
            } else if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                r.error(path, "must be a text, number or boolean value, got " + SpecReader.describe(e.getValue()));
            } else {
                env.put(e.getKey(), e.getValue().asText());
            }
        }
        return env;
    }

    private WebSpec web(JsonNode root) {
        JsonNode n = r.object(root, "web", "web");
        if (n == null) {
            return WebSpec.defaults();
        }
        r.allowOnly(n, "web", WEB, "");
        String readiness = path(n, "readiness", "web.readiness");
        String liveness = path(n, "liveness", "web.liveness");
        List<String> trusted = addresses(n.get("trusted_proxies"), "web.trusted_proxies");
        WebSpec.PinSpec pin = null;
        JsonNode p = r.object(n, "pin", "web.pin");
        if (p != null) {
            r.allowOnly(p, "web.pin", PIN, "");
            String header = r.string(p, "header", "web.pin.header", false);
            if (header == null) {
                header = "X-Baton-Version";
            } else if (!HEADER.matcher(header).matches()) {
                r.error("web.pin.header", "must be a header name (letters, digits, '-'), got '" + header + "'");
            }
            pin = new WebSpec.PinSpec(header, addresses(p.get("trusted"), "web.pin.trusted"));
        }
        return new WebSpec(readiness == null ? WebSpec.DEFAULT_READINESS : readiness, liveness, trusted, pin);
    }

    /** A list of IP addresses or CIDR blocks, e.g. [10.0.0.0/8, 192.168.1.7]; absent is empty. */
    private List<String> addresses(JsonNode list, String path) {
        List<String> out = new ArrayList<>();
        if (list == null || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            r.error(path, "must be a list of IP addresses or CIDR blocks, e.g. [10.0.0.0/8], got "
                    + SpecReader.describe(list));
            return out;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode a = list.get(i);
            if (!a.isTextual() || !ADDRESS_OR_BLOCK.matcher(a.asText()).matches()) {
                r.error(path + "[" + i + "]", "must be an IP address or CIDR block (10.0.0.0/8, ::1/128), got "
                        + SpecReader.describe(a));
            } else {
                out.add(a.asText());
            }
        }
        return out;
    }

    private String path(JsonNode n, String field, String path) {
        String p = r.string(n, field, path, false);
        if (p != null && !p.startsWith("/")) {
            r.error(path, "must be a path starting with /, got '" + p + "'");
            return null;
        }
        return p;
    }

    private WorkerSpec worker(JsonNode root) {
        JsonNode n = r.object(root, "worker", "worker");
        if (n == null) {
            return null;
        }
        r.allowOnly(n, "worker", WORKER, "");
        JsonNode kinds = n.get("kinds");
        if (kinds == null || !kinds.isArray() || kinds.isEmpty()) {
            r.error("worker.kinds", "must be a non-empty list of job kinds, e.g. [email.send]");
            return null;
        }
        List<String> list = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            JsonNode k = kinds.get(i);
            if (!k.isTextual() || k.asText().isBlank()) {
                r.error("worker.kinds[" + i + "]", "must be a non-empty job kind, got " + SpecReader.describe(k));
            } else if (list.contains(k.asText())) {
                r.error("worker.kinds[" + i + "]", "duplicate kind '" + k.asText() + "'");
            } else {
                list.add(k.asText());
            }
        }
        return list.isEmpty() ? null : new WorkerSpec(list);
    }

    private DrainSpec drain(JsonNode root) {
        DrainSpec d = DrainSpec.defaults();
        JsonNode n = r.object(root, "drain", "drain");
        if (n == null) {
            return d;
        }
        r.allowOnly(n, "drain", DRAIN, "");
        Duration timeout = orElse(r.duration(n, "timeout", "drain.timeout"), d.timeout());
        Duration soft = orElse(r.duration(n, "jobs_soft", "drain.jobs_soft"), d.jobsSoft());
        Duration hard = orElse(r.duration(n, "jobs_hard", "drain.jobs_hard"), d.jobsHard());
        if (hard.compareTo(soft) < 0) {
            r.error("drain.jobs_hard", "must be >= drain.jobs_soft (" + Durations.format(soft) + "), got "
                    + Durations.format(hard));
            return d;
        }
        return new DrainSpec(timeout, soft, hard);
    }

    private StrategySpec strategy(JsonNode root, int instances, int listen) {
        JsonNode n = r.object(root, "strategy", "strategy");
        if (n == null) {
            return RollingSpec.defaults();
        }
        String type = r.string(n, "type", "strategy.type", true);
        if (type == null) {
            return RollingSpec.defaults();
        }
        return switch (type) {
            case "rolling" -> rolling(n, instances);
            case "blue-green" -> blueGreen(n, listen);
            case "canary" -> canary(n);
            default -> {
                r.error("strategy.type", "must be one of " + String.join(", ", TYPES) + ", got '" + type + "'");
                yield RollingSpec.defaults();
            }
        };
    }

    private RollingSpec rolling(JsonNode n, int instances) {
        r.allowOnly(n, "strategy", ROLLING, " for type rolling");
        RollingSpec d = RollingSpec.defaults();
        Amount surge = orElse(r.amount(n, "max_surge", "strategy.max_surge"), d.maxSurge());
        Amount unavailable = orElse(r.amount(n, "max_unavailable", "strategy.max_unavailable"), d.maxUnavailable());
        Duration minReady = orElse(r.duration(n, "min_ready", "strategy.min_ready"), d.minReady());
        if (surge.resolve(instances, true) == 0 && unavailable.resolve(instances, false) == 0) {
            r.error("strategy.max_surge", "max_surge (" + surge + ") and max_unavailable (" + unavailable
                    + ") cannot both be 0 for " + instances + " instance(s): no instance could ever be replaced");
            return d;
        }
        return new RollingSpec(surge, unavailable, minReady);
    }

    private BlueGreenSpec blueGreen(JsonNode n, int listen) {
        r.allowOnly(n, "strategy", BLUE_GREEN, " for type blue-green");
        Integer preview = r.integer(n, "preview", "strategy.preview", 1, 65535);
        if (preview != null && preview == listen) {
            r.error("strategy.preview", "must differ from listen (" + listen + ")");
            preview = null;
        }
        String smoke = path(n, "smoke", "strategy.smoke");
        if (smoke != null && preview == null && !r.errors().stream().anyMatch(e -> e.startsWith("strategy.preview"))) {
            r.error("strategy.smoke", "needs strategy.preview: the smoke check goes through the preview port");
        }
        Boolean auto = r.bool(n, "auto_promote", "strategy.auto_promote");
        Duration delay = r.duration(n, "scale_down_delay", "strategy.scale_down_delay");
        return new BlueGreenSpec(preview, smoke, auto == null || auto,
                delay == null ? BlueGreenSpec.DEFAULT_SCALE_DOWN_DELAY : delay);
    }

    private CanarySpec canary(JsonNode n) {
        r.allowOnly(n, "strategy", CANARY, " for type canary");
        JsonNode steps = n.get("steps");
        List<CanaryStep> list = new ArrayList<>();
        if (steps == null || !steps.isArray() || steps.isEmpty()) {
            r.error("strategy.steps", "required for type canary: a non-empty list like [{weight: 10, pause: 1m}, {weight: 100}]");
        } else {
            Integer previous = null;
            for (int i = 0; i < steps.size(); i++) {
                String path = "strategy.steps[" + i + "]";
                JsonNode s = steps.get(i);
                if (!s.isObject()) {
                    r.error(path, "must be a mapping like {weight: 10, pause: 30s}, got " + SpecReader.describe(s));
                    continue;
                }
                r.allowOnly(s, path, STEP, "");
                Integer w = r.integer(s, "weight", path + ".weight", 0, 100);
                if (w == null && s.get("weight") == null) {
                    r.error(path + ".weight", "required: 0..100");
                }
                PauseSpec pause = pause(s, path + ".pause");
                if (w != null && previous != null && w <= previous) {
                    r.error(path + ".weight", "weights must increase from step to step: must be > " + previous
                            + ", got " + w);
                }
                if (w != null) {
                    previous = w;
                    list.add(new CanaryStep(w, pause));
                }
            }
            JsonNode last = steps.get(steps.size() - 1);
            if (last.isObject() && last.get("weight") != null && last.get("weight").isInt()
                    && last.get("weight").intValue() != 100) {
                r.error("strategy.steps[" + (steps.size() - 1) + "].weight",
                        "the last step must send all traffic: must be 100, got " + last.get("weight").intValue());
            }
        }
        AnalysisSpec analysis = analysis(n);
        if (!r.errors().isEmpty()) {
            return null;
        }
        return new CanarySpec(list, analysis);
    }

    private PauseSpec pause(JsonNode step, String path) {
        JsonNode p = step.get("pause");
        if (p == null || p.isNull()) {
            return PauseSpec.NONE;
        }
        if (p.isTextual() && p.asText().equals("forever")) {
            return PauseSpec.FOREVER;
        }
        Duration d = r.duration(step, "pause", path);
        if (d == null) {
            r.errors().set(r.errors().size() - 1, path + ": must be a duration (" + Durations.ALLOWED
                    + ") or forever, got " + SpecReader.describe(p));
            return PauseSpec.NONE;
        }
        return PauseSpec.of(d);
    }

    private AnalysisSpec analysis(JsonNode canary) {
        JsonNode n = r.object(canary, "analysis", "strategy.analysis");
        if (n == null) {
            return null;
        }
        String p = "strategy.analysis";
        r.allowOnly(n, p, ANALYSIS, "");
        Duration interval = r.duration(n, "interval", p + ".interval");
        if (interval != null && interval.isZero()) {
            r.error(p + ".interval", "must be a duration > 0, got 0");
            interval = null;
        }
        Double errorRate = r.percent(n, "max_error_rate", p + ".max_error_rate");
        Duration p99 = r.duration(n, "max_p99", p + ".max_p99");
        Double jobRate = r.percent(n, "max_job_failure_rate", p + ".max_job_failure_rate");
        Integer min = r.integer(n, "min_requests", p + ".min_requests", 0, 1_000_000_000);
        if (errorRate == null && p99 == null && jobRate == null && n.get("max_error_rate") == null
                && n.get("max_p99") == null && n.get("max_job_failure_rate") == null) {
            r.error(p, "checks nothing: set at least one of max_error_rate, max_p99, max_job_failure_rate");
        }
        return new AnalysisSpec(interval == null ? AnalysisSpec.DEFAULT_INTERVAL : interval, errorRate, p99, jobRate,
                min == null ? AnalysisSpec.DEFAULT_MIN_REQUESTS : min);
    }

    private static <T> T orElse(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
