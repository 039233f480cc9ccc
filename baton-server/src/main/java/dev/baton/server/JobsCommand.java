package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code baton jobs [stats|retry|discard]}: the queue's depth by kind, and dead letters by hand. */
@Command(name = "jobs", description = "Queue depth by kind (default), or retry / discard jobs by id.",
        subcommands = {JobsCommand.Retry.class, JobsCommand.Discard.class, JobsCommand.Pause.class, JobsCommand.Resume.class})
final class JobsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions o;

    @Override
    public Integer call() {
        return stats(o);
    }

    @Command(name = "stats", description = "Queue depth by kind and queue, and the job routing.")
    int stats(@Mixin CommonOptions opts) {
        JsonNode s = opts.client().get("/v1/jobs/stats");
        if (opts.json) {
            opts.printJson(s);
            return 0;
        }
        Table t = new Table("KIND", "QUEUE", "AVAILABLE", "SCHEDULED", "RUNNING", "DISCARDED");
        s.path("kinds").forEach(k -> t.row(k.path("kind").asText(), k.path("queue").asText(), k.path("available").asLong(),
                k.path("scheduled").asLong(), k.path("running").asLong(), k.path("discarded").asLong()));
        t.print(opts.out());
        opts.out().println("routing: " + (s.path("routing").isEmpty() ? "none (every worker takes every job)" : s.path("routing")));
        s.path("paused").forEach(p -> opts.out().println("paused: queue " + p.path("queue").asText() + " since "
                + p.path("since").asText() + (p.path("reason").isNull() ? "" : " (" + p.path("reason").asText() + ")")
                + "; 'baton jobs resume " + p.path("queue").asText() + "' lets workers claim from it again"));
        return 0;
    }

    @Command(name = "retry", description = "Put discarded jobs back in the queue.")
    static final class Retry implements Callable<Integer> {
        @Mixin
        CommonOptions o;

        @Parameters(paramLabel = "ID", arity = "1..*")
        List<Long> ids;

        @Override
        public Integer call() {
            JsonNode r = o.client().post("/v1/jobs/retry", Map.of("ids", ids));
            if (o.json) {
                o.printJson(r);
            } else {
                o.out().println("retried " + r.path("retried").asInt() + " of " + ids.size());
            }
            return notChanged(o, r);
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
            JsonNode r = o.client().post("/v1/jobs/discard", Map.of("ids", ids, "reason", reason));
            if (o.json) {
                o.printJson(r);
            } else {
                o.out().println("discarded " + r.path("discarded").asInt() + " of " + ids.size());
            }
            return notChanged(o, r);
        }
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
            JsonNode r = o.client().post("/v1/jobs/pause", body);
            if (o.json) {
                o.printJson(r);
            } else {
                o.out().println(r.path("changed").asBoolean() ? "paused queue " + queue + ": workers claim nothing from it"
                        : "queue " + queue + " was paused already");
            }
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
            JsonNode r = o.client().post("/v1/jobs/resume", Map.of("queue", queue));
            if (o.json) {
                o.printJson(r);
            } else {
                o.out().println(r.path("changed").asBoolean() ? "resumed queue " + queue
                        : "queue " + queue + " was not paused");
            }
            return 0;
        }
    }
}
