package dev.baton.server;

import dev.baton.proof.TextTable;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Human renderings of the API's JSON, shared by the commands. */
final class Views {
    private static final HumanTime TIME = HumanTime.local();

    private Views() {}

    static void rolloutLine(PrintWriter out, JsonNode r) {
        if (r == null || r.isMissingNode() || r.isNull()) {
            out.println("rollout: none yet");
            return;
        }
        boolean rollback = !r.path("rollbackTo").isNull() && !r.path("rollbackTo").isMissingNode();
        out.printf("rollout %s (revision %s%s): %s → %s, %s, %s%s, started %s%n", r.path("id").asText(),
                r.path("revision").asText(), rollback ? ", a rollback to revision " + r.path("rollbackTo").asText() : "",
                orNone(r.path("stableVersion")), r.path("version").asText(), r.path("strategy").asText(),
                r.path("phase").asText(), r.path("paused").asBoolean() ? " (paused)" : "", TIME.at(r.path("startedAt")));
        progress(out, r);
        if (!r.path("weights").isEmpty()) {
            out.println("  weights: " + r.path("weights"));
        }
        if (!r.path("jobShares").isEmpty()) {
            out.println("  job shares: " + r.path("jobShares"));
        }
        if (!r.path("reason").isNull() && !r.path("reason").isMissingNode()) {
            out.println("  reason: " + r.path("reason").asText());
        }
        if (!r.path("verdict").isNull() && !r.path("verdict").isMissingNode()) {
            out.println("  analysis: " + r.path("verdict").asText());
        }
        if (!r.path("waiting").isNull() && !r.path("waiting").isMissingNode()) {
            out.println("  waiting: " + r.path("waiting").asText());
        }
    }

    /** Where a rollout in progress stands: step, ready instances, the pause and the deadline left. */
    static void progress(PrintWriter out, JsonNode r) {
        JsonNode p = r.path("progress");
        if (p.isNull() || p.isMissingNode()) {
            return;
        }
        List<String> parts = new ArrayList<>();
        if (p.path("steps").asInt() > 0) {
            parts.add("step " + p.path("step").asInt() + "/" + p.path("steps").asInt());
        }
        String version = r.path("phase").asText().equals("PROGRESSING") || r.path("stableVersion").isNull()
                ? r.path("version").asText() : r.path("stableVersion").asText();
        parts.add(p.path("ready").asInt() + "/" + p.path("wanted").asInt() + " of " + version + " ready");
        if (!p.path("pauseUntil").isNull()) {
            parts.add("pause " + TIME.until(p.path("pauseUntil")) + " left (until " + TIME.at(p.path("pauseUntil")) + ")");
        }
        if (r.path("paused").asBoolean()) {
            parts.add("held by 'baton pause' ('baton resume' lets it go on)");
        } else if (!p.path("deadline").isNull()) {
            parts.add("progress deadline in " + TIME.until(p.path("deadline")));
        }
        out.println("  now: " + String.join(", ", parts));
    }

    /** Which versions take the traffic, from the weights last published (or the stable version alone). */
    static String traffic(JsonNode status) {
        JsonNode weights = status.path("rollout").path("weights");
        if (weights.isObject() && !weights.isEmpty()) {
            List<String> parts = new ArrayList<>();
            weights.fields().forEachRemaining(e -> {
                if (e.getValue().asInt() > 0) {
                    parts.add(e.getKey() + " " + e.getValue().asInt() + "%");
                }
            });
            if (!parts.isEmpty()) {
                return String.join(", ", parts);
            }
        }
        return status.path("stableVersion").isNull() ? "nothing" : status.path("stableVersion").asText() + " 100%";
    }

    static String at(JsonNode iso) {
        return TIME.at(iso);
    }

    static String now() {
        return TIME.now();
    }

    static void instances(PrintWriter out, JsonNode instances) {
        TextTable t = new TextTable("INSTANCE", "VERSION", "STATE", "PID", "ADDRESS");
        // a pod has no pid here: its address (the pod IP) says where it runs
        instances.forEach(i -> t.row(i.path("id").asText(), i.path("version").asText(), i.path("state").asText(),
                i.path("pid").asLong() < 0 ? "-" : i.path("pid").asLong(),
                i.path("host").asText("127.0.0.1") + ":" + i.path("port").asInt()));
        t.print(out);
    }

    /** Supervised slots that restarted or wait for a restart: restart count, crashes in a row, back-off. */
    static void supervision(PrintWriter out, JsonNode slots) {
        TextTable t = new TextTable("SLOT", "INSTANCE", "RESTARTS", "CRASHES IN A ROW", "BACK-OFF", "NEXT RESTART", "LAST EXIT");
        boolean any = false;
        for (JsonNode s : slots) {
            if (s.path("restarts").asInt() == 0 && s.path("restartAt").isNull()) {
                continue;
            }
            any = true;
            t.row(s.path("slot").asInt(), s.path("instance").isNull() ? "-" : s.path("instance").asText(),
                    s.path("restarts").asInt(), s.path("crashesInARow").asInt(), s.path("backoffMs").asLong() + "ms",
                    s.path("restartAt").isNull() ? "-" : TIME.at(s.path("restartAt")) + " (in " + TIME.until(s.path("restartAt")) + ")",
                    s.path("lastExitCode").isNull() ? "-" : s.path("lastExitCode").asText());
        }
        if (any) {
            out.println("supervision (restarts between rollouts):");
            t.print(out);
        }
    }

    static void event(PrintWriter out, JsonNode e) {
        String kind = e.path("kind").asText();
        if (kind.equals("STEP_STARTED")) {
            return;
        }
        String mark = switch (kind) {
            case "STEP_FAILED" -> "!";
            case "WAITING" -> "=";
            case "COMMAND" -> ">";
            case "SUPERVISION" -> "~";
            default -> "·";
        };
        out.printf("  %s %-15s %s%n", mark, e.path("step").asText(), e.path("detail").asText());
        out.flush();
    }

    static String orNone(JsonNode n) {
        return n.isNull() || n.isMissingNode() ? "nothing" : n.asText();
    }
}
