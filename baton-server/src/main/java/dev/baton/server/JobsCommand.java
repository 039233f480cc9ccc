package dev.baton.server;

import dev.baton.proof.TextTable;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code baton jobs [stats|retry|discard]}: the queue's depth by kind, and dead letters by hand. */
@Command(name = "jobs", description = "Queue depth by kind (default), or retry / discard jobs by id.",
        subcommands = {JobsCommand.ListJobs.class, JobsCommand.Show.class, JobsCommand.Retry.class, JobsCommand.Discard.class,
                JobsCommand.Pause.class, JobsCommand.Resume.class})
final class JobsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions o;

    @Option(names = "--watch", description = "Show it again every 2 seconds (in place on a terminal) until interrupted.")
    boolean watch;

    @Override
    public Integer call() throws InterruptedException {
        return stats(o, watch);
    }

    @Command(name = "stats", description = "Queue depth, oldest waiting job and jobs done in the last minute, by kind "
            + "and queue; the job routing; the paused queues.")
    int stats(@Mixin CommonOptions opts,
              @Option(names = "--watch", description = "Show it again every 2 seconds until interrupted.") boolean watching)
            throws InterruptedException {
        return Watch.run(opts, watching, () -> printStats(opts, opts.client().get("/v1/jobs/stats")));
    }

    private static void printStats(CommonOptions opts, JsonNode s) {
        if (opts.json) {
            opts.printJson(s);
            return;
        }
        java.util.Map<String, JsonNode> done = new java.util.HashMap<>();
        s.path("lastMinute").forEach(d -> done.put(d.path("kind").asText() + "\u0000" + d.path("queue").asText(), d));
        TextTable t = new TextTable("KIND", "QUEUE", "AVAILABLE", "SCHEDULED", "RUNNING", "OLDEST WAITING", "DONE/MIN",
                "DISCARDED/MIN", "DISCARDED");
        s.path("kinds").forEach(k -> {
            JsonNode d = done.getOrDefault(k.path("kind").asText() + "\u0000" + k.path("queue").asText(),
                    Json.MAPPER.createObjectNode());
            t.row(k.path("kind").asText(), k.path("queue").asText(), k.path("available").asLong(),
                    k.path("scheduled").asLong(), k.path("running").asLong(),
                    k.path("available").asLong() == 0 ? "-" : k.path("oldestAvailableAge").asText(),
                    d.path("completed").asLong(), d.path("discarded").asLong(), k.path("discarded").asLong());
        });
        t.print(opts.out());
        opts.out().println("routing: " + (s.path("routing").isEmpty() ? "none (every worker takes every job)" : s.path("routing")));
        s.path("paused").forEach(p -> opts.out().println("paused: queue " + p.path("queue").asText() + " since "
                + Views.at(p.path("since")) + (p.path("reason").isNull() ? "" : " (" + p.path("reason").asText() + ")")
                + "; 'baton jobs resume " + p.path("queue").asText() + "' lets workers claim from it again"));
    }

    @Command(name = "list", description = "Jobs newest first: id, kind, queue, state, attempts, last error.")
    static final class ListJobs implements Callable<Integer> {
        @Mixin
        CommonOptions o;

        @Option(names = "--state", description = "AVAILABLE (incl. scheduled), RUNNING, COMPLETED or DISCARDED.")
        String state;

        @Option(names = "--kind")
        String kind;

        @Option(names = "--queue")
        String queue;

        @Option(names = "--limit", defaultValue = "50")
        int limit;

        @Override
        public Integer call() {
            StringBuilder path = new StringBuilder("/v1/jobs?limit=" + limit);
            for (var p : new String[][] {{"state", state}, {"kind", kind}, {"queue", queue}}) {
                if (p[1] != null) {
                    path.append('&').append(p[0]).append('=').append(java.net.URLEncoder.encode(p[1], java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            JsonNode jobs = o.client().get(path.toString());
            if (o.json) {
                o.printJson(jobs);
                return 0;
            }
            TextTable t = new TextTable("ID", "KIND", "QUEUE", "STATE", "ATTEMPTS", "RUN AT", "LAST ERROR");
            jobs.forEach(j -> t.row(j.path("id").asLong(), j.path("kind").asText(), j.path("queue").asText(),
                    j.path("state").asText(), j.path("attempt").asInt() + "/" + j.path("maxAttempts").asInt(),
                    j.path("runAt").asText(), j.path("lastError").isNull() ? "" : oneLine(j.path("lastError").asText())));
            t.print(o.out());
            return 0;
        }
    }

    @Command(name = "show", description = "One job and its whole error history.")
    static final class Show implements Callable<Integer> {
        @Mixin
        CommonOptions o;

        @Parameters(paramLabel = "ID")
        long id;

        @Override
        public Integer call() {
            JsonNode j = o.client().get("/v1/jobs/" + id);
            if (o.json) {
                o.printJson(j);
                return 0;
            }
            o.out().printf("job %d: %s on queue %s, %s, attempt %d of %d, run at %s%s%n", j.path("id").asLong(),
                    j.path("kind").asText(), j.path("queue").asText(), j.path("state").asText(), j.path("attempt").asInt(),
                    j.path("maxAttempts").asInt(), j.path("runAt").asText(),
                    j.path("uniqueKey").isNull() ? "" : ", unique key " + j.path("uniqueKey").asText());
            o.out().println("payload: " + j.path("payload").asText());
            TextTable t = new TextTable("ATTEMPT", "AT", "VERSION", "OUTCOME", "ERROR");
            j.path("history").forEach(e -> t.row(e.path("attempt").asInt(), e.path("at").asText(),
                    e.path("version").isNull() ? "-" : e.path("version").asText(), e.path("outcome").asText(),
                    oneLine(e.path("error").asText())));
            if (j.path("history").isEmpty()) {
                o.out().println("no errors recorded");
            } else {
                t.print(o.out());
            }
            return 0;
        }
    }

    private static String oneLine(String s) {
        String line = s.replace('\n', ' ').replace('\r', ' ');
        return line.length() <= 120 ? line : line.substring(0, 119) + "…";
    }

    @Command(name = "retry", description = "Put discarded jobs back in the queue.")
    static final class Retry implements Callable<Integer> {
        @Mixin
        CommonOptions o;

        @Parameters(paramLabel = "ID", arity = "1..*")
        List<Long> ids;

        @Override
        public Integer call() {
            return notChanged(o, post(o, "/v1/jobs/retry", Map.of("ids", ids),
                    r -> "retried " + r.path("retried").asInt() + " of " + ids.size()));
        }
    }

    @Command(name = "discard", description = "Discard jobs (dead letters).")
    static final class Discard implements Callable<Integer> {
        @Mixin
        CommonOptions o;

        @Parameters(paramLabel = "ID", arity = "1..*")
        List<Long> ids;

        @Option(names = "--reason", defaultValue = "discarded by request")
        String reason;

        @Override
        public Integer call() {
            return notChanged(o, post(o, "/v1/jobs/discard", Map.of("ids", ids, "reason", reason),
                    r -> "discarded " + r.path("discarded").asInt() + " of " + ids.size()));
        }
    }

    /** Posts {@code body} to {@code path}; prints the answer as JSON with --json, else as {@code line} says. */
    private static JsonNode post(CommonOptions o, String path, Object body, Function<JsonNode, String> line) {
        JsonNode r = o.client().post(path, body);
        if (o.json) {
            o.printJson(r);
        } else {
            o.out().println(line.apply(r));
        }
        return r;
    }

    /** Says why each id that was not changed was not; exits 4 when there is one. */
    static int notChanged(CommonOptions o, JsonNode r) {
        JsonNode rest = r.path("notChanged");
        rest.forEach(n -> o.err().println("baton: job " + n.path("id").asLong() + " not changed: " + n.path("reason").asText()));
        o.err().flush();
        return rest.isEmpty() ? 0 : BatonCommand.EXIT_REFUSED;
    }

    @Command(name = "pause", description = "Workers stop claiming jobs of QUEUE (jobs already running finish) until "
            + "'jobs resume'; no deploy undoes it.")
    static final class Pause implements Callable<Integer> {
        @Mixin
        CommonOptions o;

        @Parameters(paramLabel = "QUEUE")
        String queue;

        @Option(names = "--reason", description = "Shown by 'jobs stats'.")
        String reason;

        @Override
        public Integer call() {
            Map<String, Object> body = new java.util.LinkedHashMap<>();
            body.put("queue", queue);
            if (reason != null) {
                body.put("reason", reason);
            }
            post(o, "/v1/jobs/pause", body, r -> r.path("changed").asBoolean()
                    ? "paused queue " + queue + ": workers claim nothing from it" : "queue " + queue + " was paused already");
            return 0;
        }
    }

    @Command(name = "resume", description = "Workers claim jobs of QUEUE again.")
    static final class Resume implements Callable<Integer> {
        @Mixin
        CommonOptions o;

        @Parameters(paramLabel = "QUEUE")
        String queue;

        @Override
        public Integer call() {
            post(o, "/v1/jobs/resume", Map.of("queue", queue), r -> r.path("changed").asBoolean()
                    ? "resumed queue " + queue : "queue " + queue + " was not paused");
            return 0;
        }
    }
}
