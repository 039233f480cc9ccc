package dev.baton.server.verify;

import dev.baton.proof.JobCheck;
import dev.baton.proof.RequestSummary;
import dev.baton.proof.ScenarioResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The table printed after each scenario: its numbers, then its violations and explanations. */
public final class ScenarioTable {

    private ScenarioTable() {}

    public static String render(ScenarioResult s) {
        RequestSummary r = s.requests();
        JobCheck j = s.jobs();
        List<String[]> rows = new ArrayList<>();
        rows.add(row("result", s.passed() ? "passed" : "FAILED (" + s.violations().size() + " violation(s))"));
        rows.add(row("deploy", s.strategy() + " " + s.version() + (s.rolledBack() ? ", rolled back" : "")));
        rows.add(row("requests", "sent " + r.sent() + ", ok " + r.ok() + ", failed " + r.failed() + " (explained "
                + r.failedExplained() + "), unknown " + r.unknown()));
        rows.add(row("latency outside deploys", "p50 " + ms(r.p50OutsideMs()) + ", p99 " + ms(r.p99OutsideMs())));
        rows.add(row("latency during deploy", "p50 " + ms(r.p50DuringMs()) + ", p99 " + ms(r.p99DuringMs()) + ", max "
                + ms(r.maxMs())));
        rows.add(row("jobs", "enqueued " + j.enqueued() + ", completed " + j.completed() + ", lost " + j.lost()
                + ", duplicated " + j.duplicated() + ", re-executed " + j.reexecuted() + ", effects missing "
                + j.effectsMissing() + ", not enqueued " + j.notEnqueued()));
        rows.add(row("deploy time", duration(s.deployDuration())));
        rows.add(row("rollback time", duration(s.rollbackDuration())));
        int width = rows.stream().mapToInt(x -> x[0].length()).max().orElse(0);
        StringBuilder b = new StringBuilder("== " + s.name() + "\n");
        for (String[] x : rows) {
            b.append(String.format(Locale.ROOT, "  %-" + width + "s  %s%n", x[0], x[1]));
        }
        s.violations().forEach(v -> b.append("  FAILED: ").append(v).append('\n'));
        s.explanations().forEach(e -> b.append("  explained: ").append(e).append('\n'));
        return b.toString();
    }

    private static String[] row(String k, String v) {
        return new String[] {k, v};
    }

    private static String ms(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f ms", v);
    }

    private static String duration(Duration d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
