package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;

/** Human renderings of the API's JSON, shared by the commands. */
final class Views {
    private Views() {}

    static void rolloutLine(PrintWriter out, JsonNode r) {
        if (r == null || r.isMissingNode() || r.isNull()) {
            out.println("rollout: none yet");
            return;
        }
        out.printf("rollout %s (revision %s): %s → %s, %s, %s%s%n", r.path("id").asText(), r.path("revision").asText(),
                orNone(r.path("stableVersion")), r.path("version").asText(), r.path("strategy").asText(),
                r.path("phase").asText(), r.path("paused").asBoolean() ? " (paused)" : "");
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

    static void instances(PrintWriter out, JsonNode instances) {
        Table t = new Table("INSTANCE", "VERSION", "STATE", "PID", "PORT");
        instances.forEach(i -> t.row(i.path("id").asText(), i.path("version").asText(), i.path("state").asText(),
                i.path("pid").asLong(), i.path("port").asInt()));
        t.print(out);
    }

    /** Supervised slots that restarted or wait for a restart: restart count, crashes in a row, back-off. */
    static void supervision(PrintWriter out, JsonNode slots) {
        Table t = new Table("SLOT", "INSTANCE", "RESTARTS", "CRASHES IN A ROW", "BACK-OFF", "NEXT RESTART", "LAST EXIT");
        boolean any = false;
        for (JsonNode s : slots) {
            if (s.path("restarts").asInt() == 0 && s.path("restartAt").isNull()) {
                continue;
            }
            any = true;
            t.row(s.path("slot").asInt(), s.path("instance").isNull() ? "-" : s.path("instance").asText(),
                    s.path("restarts").asInt(), s.path("crashesInARow").asInt(), s.path("backoffMs").asLong() + "ms",
                    s.path("restartAt").isNull() ? "-" : s.path("restartAt").asText(),
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
