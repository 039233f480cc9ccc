package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.queue.Job;
import dev.baton.queue.JobCommands;
import dev.baton.queue.JobState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an operator can do from the dashboard, each recorded with who did it ({@link ControlPlane#recordCommand}):
 * the rollout's promote, pause, resume, abort and rollback; retry of dead letters and discard of waiting jobs,
 * by id or all that match a filter; pause and resume of a queue. Each answers what it changed.
 */
final class DashboardActions {
    private final ControlPlane cp;

    DashboardActions(ControlPlane cp) {
        this.cp = cp;
    }

    Map<String, Object> run(String action, JsonNode body, String who) {
        return switch (action) {
            case "promote" -> rollout("promote", who, cp::promote);
            case "pause" -> rollout("pause", who, cp::pause);
            case "resume" -> rollout("resume", who, cp::resume);
            case "abort" -> {
                String reason = body.hasNonNull("reason") ? body.get("reason").asText() : "aborted from the dashboard";
                yield rollout("abort (" + reason + ")", who, () -> cp.abort(reason));
            }
            case "rollback" -> {
                Long revision = body.hasNonNull("revision") ? ApiServer.revision(body.get("revision")) : null;
                String id = cp.rollback(revision);
                cp.recordCommand("rollback" + (revision == null ? "" : " to revision " + revision), who);
                yield Map.of("done", "rollback", "rollout", cp.rollout(id).orElseThrow());
            }
            case "jobs/retry" -> jobs("retried", who, JobState.DISCARDED, body,
                    ids -> cp.jobCommands().retry(ids));
            case "jobs/discard" -> jobs("discarded", who, JobState.AVAILABLE, body,
                    ids -> cp.jobCommands().discard(ids, "discarded from the dashboard by " + who));
            case "queues/pause" -> {
                String queue = required(body, "queue");
                boolean changed = cp.queuePauses().pause(queue, "paused from the dashboard by " + who);
                cp.recordCommand("pause queue " + queue, who);
                yield Map.of("done", "pause queue", "queue", queue, "changed", changed);
            }
            case "queues/resume" -> {
                String queue = required(body, "queue");
                boolean changed = cp.queuePauses().resume(queue);
                cp.recordCommand("resume queue " + queue, who);
                yield Map.of("done", "resume queue", "queue", queue, "changed", changed);
            }
            default -> throw ApiException.notFound("no dashboard action '" + action + "'");
        };
    }

    private Map<String, Object> rollout(String what, String who, Runnable action) {
        action.run();
        cp.recordCommand(what, who);
        return Map.of("done", what, "status", cp.status());
    }

    /**
     * Retry or discard the jobs named by {@code ids}, or with {@code all: true} every job in {@code state} that
     * matches {@code kind}, {@code queue} and {@code version} (each optional).
     */
    private Map<String, Object> jobs(String verb, String who, JobState state, JsonNode body,
                                     java.util.function.Function<List<Long>, List<JobCommands.Outcome>> command) {
        List<Long> ids = new ArrayList<>();
        String which;
        if (body.path("all").asBoolean(false)) {
            DashboardState.Filter f = new DashboardState.Filter(ApiServer.text(body, "kind"), ApiServer.text(body, "queue"), ApiServer.text(body, "version"));
            f.apply(cp.jobCommands(), state, 1000).stream().map(Job::id).forEach(ids::add);
            which = "all " + state.name().toLowerCase(java.util.Locale.ROOT) + " jobs matching kind=" + orAny(f.kind())
                    + " queue=" + orAny(f.queue()) + " version=" + orAny(f.version());
        } else {
            JsonNode given = body.path("ids");
            if (!given.isArray() || given.isEmpty()) {
                throw ApiException.badRequest("ids: required (a non-empty list of job ids), or all: true with a filter");
            }
            for (JsonNode n : given) {
                if (!n.canConvertToLong()) {
                    throw ApiException.badRequest("ids: must be job ids (numbers), got " + n);
                }
                ids.add(n.asLong());
            }
            which = "job(s) " + ids;
        }
        List<JobCommands.Outcome> outcomes = ids.isEmpty() ? List.of() : command.apply(ids);
        long changed = outcomes.stream().filter(JobCommands.Outcome::changed).count();
        cp.recordCommand(verb + " " + changed + " of " + which, who);
        return Map.of("done", verb, verb, changed, "notChanged", outcomes.stream().filter(o -> !o.changed())
                .map(o -> Map.of("id", o.id(), "reason", o.reason())).toList());
    }

    private static String orAny(String s) {
        return s == null ? "any" : s;
    }

    private static String required(JsonNode body, String field) {
        String v = ApiServer.text(body, field);
        if (v == null || v.isBlank()) {
            throw ApiException.badRequest(field + ": required");
        }
        return v;
    }
}
