package dev.baton.proof;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders results for people (aligned tables, then the violations and explanations) and for scripts
 * (JSON). {@code baton demo --json} prints {@link #demoJson}: {@code {"passed", "deploys": [...]}};
 * {@code baton verify --json} prints {@link #verifyJson}: {@code {"passed", "scenarios": [...]}}.
 * Durations are milliseconds; a value not measured is {@code null}.
 */
public final class Report {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Report() {}

    /** One row per deploy: what {@code baton demo} ends with. */
    public static String demoTable(List<ScenarioResult> deploys) {
        TextTable t = new TextTable(List.of("deploy", "strategy", "version", "rolled back", "requests", "failed",
                "p99 during", "jobs", "completed", "lost", "duplicated", "deploy time", "rollback time", "result"));
        for (ScenarioResult d : deploys) {
            t.row(List.of(d.name(), text(d.strategy()), text(d.version()), d.rolledBack() ? "yes" : "no",
                    n(d.requests().sent()), n(d.requests().failed()), ms(d.requests().p99DuringMs()),
                    n(d.jobs().enqueued()), n(d.jobs().completed()), n(d.jobs().lost()), n(d.jobs().duplicated()),
                    duration(d.deployDuration()), duration(d.rollbackDuration()), d.passed() ? "ok" : "FAILED"));
        }
        return t.render() + notes(deploys);
    }

    /** One row per scenario: what {@code baton verify} ends with. */
    public static String verifyTable(List<ScenarioResult> scenarios) {
        TextTable t = new TextTable(List.of("scenario", "passed", "sent", "ok", "failed", "unknown", "p50 outside",
                "p99 outside", "p50 during", "p99 during", "jobs", "completed", "lost", "duplicated", "re-executed",
                "deploy time", "rollback time"));
        for (ScenarioResult s : scenarios) {
            RequestSummary r = s.requests();
            t.row(List.of(s.name(), s.passed() ? "yes" : "NO", n(r.sent()), n(r.ok()), n(r.failed()), n(r.unknown()),
                    ms(r.p50OutsideMs()), ms(r.p99OutsideMs()), ms(r.p50DuringMs()), ms(r.p99DuringMs()),
                    n(s.jobs().enqueued()), n(s.jobs().completed()), n(s.jobs().lost()), n(s.jobs().duplicated()),
                    n(s.jobs().reexecuted()), duration(s.deployDuration()), duration(s.rollbackDuration())));
        }
        return t.render() + notes(scenarios);
    }

    /** {@code {"passed": …, "deploys": [{strategy, version, rolled_back, requests{…}, jobs{…}, …}]}}. */
    public static String demoJson(List<ScenarioResult> deploys) {
        ObjectNode root = JSON.createObjectNode().put("passed", deploys.stream().allMatch(ScenarioResult::passed));
        ArrayNode list = root.putArray("deploys");
        for (ScenarioResult d : deploys) {
            ObjectNode o = list.addObject().put("name", d.name()).put("strategy", d.strategy())
                    .put("version", d.version()).put("rolled_back", d.rolledBack()).put("passed", d.passed());
            o.putObject("requests").put("sent", d.requests().sent()).put("failed", d.requests().failed())
                    .put("unknown", d.requests().unknown()).put("p99_ms", d.requests().p99DuringMs());
            jobs(o, d.jobs());
            durations(o, d);
            notes(o, d);
        }
        return write(root);
    }

    /** {@code {"passed": …, "scenarios": [{name, passed, requests{sent, ok, failed, unknown}, jobs{…}, …}]}}. */
    public static String verifyJson(List<ScenarioResult> scenarios) {
        ObjectNode root = JSON.createObjectNode().put("passed", scenarios.stream().allMatch(ScenarioResult::passed));
        ArrayNode list = root.putArray("scenarios");
        for (ScenarioResult s : scenarios) {
            RequestSummary r = s.requests();
            ObjectNode o = list.addObject().put("name", s.name()).put("passed", s.passed())
                    .put("strategy", s.strategy()).put("version", s.version()).put("rolled_back", s.rolledBack());
            o.putObject("requests").put("sent", r.sent()).put("ok", r.ok()).put("failed", r.failed())
                    .put("unknown", r.unknown()).put("failed_explained", r.failedExplained());
            o.putObject("latency_ms").put("p50_outside", r.p50OutsideMs()).put("p99_outside", r.p99OutsideMs())
                    .put("p50_during", r.p50DuringMs()).put("p99_during", r.p99DuringMs()).put("max", r.maxMs());
            jobs(o, s.jobs());
            durations(o, s);
            notes(o, s);
        }
        return write(root);
    }

    static String ms(Double millis) {
        return millis == null ? "-" : String.format(Locale.ROOT, "%.1f ms", millis);
    }

    private static void jobs(ObjectNode o, JobCheck j) {
        o.putObject("jobs").put("enqueued", j.enqueued()).put("completed", j.completed()).put("lost", j.lost())
                .put("duplicated", j.duplicated()).put("reexecuted", j.reexecuted())
                .put("effects_missing", j.effectsMissing()).put("not_enqueued", j.notEnqueued());
    }

    private static void durations(ObjectNode o, ScenarioResult s) {
        o.put("deploy_ms", s.deployDuration() == null ? null : s.deployDuration().toMillis());
        o.put("rollback_ms", s.rollbackDuration() == null ? null : s.rollbackDuration().toMillis());
    }

    private static void notes(ObjectNode o, ScenarioResult s) {
        s.violations().forEach(o.putArray("violations")::add);
        s.explanations().forEach(o.putArray("explanations")::add);
    }

    private static String notes(List<ScenarioResult> results) {
        List<String> lines = new ArrayList<>();
        for (ScenarioResult r : results) {
            r.violations().forEach(v -> lines.add(r.name() + ": FAILED: " + v));
            r.explanations().forEach(e -> lines.add(r.name() + ": explained: " + e));
        }
        return lines.isEmpty() ? "" : "\n" + String.join("\n", lines) + "\n";
    }

    private static String write(ObjectNode root) {
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String n(long v) {
        return Long.toString(v);
    }

    private static String text(String s) {
        return s == null ? "-" : s;
    }

    private static String duration(Duration d) {
        if (d == null) {
            return "-";
        }
        return d.toMillis() < 10_000 ? d.toMillis() + " ms" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
