package dev.baton.server;

import dev.baton.proof.TextTable;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.rollout.SpecException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code baton}: the command line. {@code up} runs the control plane; the other commands talk to it over
 * its REST API. Exit codes: 0 done; 1 a deploy was rolled back or failed (or an internal error); 2 bad usage,
 * invalid spec or rejected input; 3 no control plane reachable; 4 refused in the current state (conflict,
 * not found).
 */
@Command(name = "baton", mixinStandardHelpOptions = true, version = "baton 0.1.0",
        description = "Zero-downtime deploys of web services and job workers.",
        subcommands = {UpCommand.class, DownCommand.class, ApplyCommand.class, DeployCommand.class, StatusCommand.class, JobsCommand.class, DemoCommand.class, KubeCommand.class,
                dev.baton.server.verify.VerifyCommand.class, CommandLine.HelpCommand.class})
public final class BatonCommand {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BatonCommand.class);
    public static final int EXIT_ROLLED_BACK = 1;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "On an unexpected error, print where it happened (also BATON_VERBOSE=1).")
    boolean verbose;

    public static final int EXIT_USAGE = 2;
    public static final int EXIT_UNREACHABLE = 3;
    public static final int EXIT_REFUSED = 4;

    /** Whether standard output is a terminal; only {@link #main} sets it (in-process runs write to a buffer). */
    private static volatile boolean stdoutTerminal;

    public static void main(String[] args) {
        stdoutTerminal = isTerminal(1);
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    static boolean stdoutIsTerminal() {
        return stdoutTerminal;
    }

    /** Whether file descriptor {@code fd} of this process is a terminal (Linux: it links to a tty or pty). */
    private static boolean isTerminal(int fd) {
        try {
            String target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Runs a command with the given output streams; returns its exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new BatonCommand());
        cl.setOut(out).setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter e = cmd.getErr();
            int code = exitCode(ex);
            if (ex instanceof SpecException se) {
                e.println("baton: invalid app spec; nothing was started:");
                se.errors().forEach(x -> e.println("  " + x));
            } else {
                e.println("baton: " + message(ex));
            }
            if (expected(ex)) {
                log.debug("baton {} failed", String.join(" ", args), ex);
            } else if (verbose(parsed)) {
                ex.printStackTrace(e);
            } else {
                e.println("baton: (an unexpected error; --verbose shows where it happened)");
            }
            e.flush();
            return code;
        });
        try {
            return cl.execute(args);
        } finally {
            closeClients(cl.getParseResult());
        }
    }

    /** Ends what the command's clients opened (a port-forward to an installed control plane). */
    private static void closeClients(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            for (CommandLine.Model.CommandSpec mixin : p.commandSpec().mixins().values()) {
                if (mixin.userObject() instanceof CommonOptions o) {
                    o.close();
                }
            }
        }
    }

    /** Failures that are the operator's to fix, said in one line: no trace. */
    private static boolean expected(Exception ex) {
        return ex instanceof SpecException || ex instanceof BatonClient.Unreachable || ex instanceof BatonClient.ApiError
                || ex instanceof ApiException || ex instanceof HomeLock.Busy;
    }

    /** The message, or the exception's type when it has none (a message with the cause's when it adds to it). */
    private static String message(Exception ex) {
        String m = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        Throwable cause = ex.getCause();
        if (!expected(ex) && cause != null && cause.getMessage() != null && !m.contains(cause.getMessage())) {
            m += ": " + cause.getMessage();
        }
        return m;
    }

    private static boolean verbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return "1".equals(System.getenv("BATON_VERBOSE"));
    }

    static int exitCode(Exception ex) {
        if (ex instanceof SpecException) {
            return EXIT_USAGE;
        }
        if (ex instanceof BatonClient.Unreachable) {
            return EXIT_UNREACHABLE;
        }
        if (ex instanceof BatonClient.ApiError a) {
            return a.status() == 400 ? EXIT_USAGE : a.status() == 404 || a.status() == 409 ? EXIT_REFUSED : 1;
        }
        if (ex instanceof ApiException a) {
            return a.status() == 400 ? EXIT_USAGE : EXIT_REFUSED;
        }
        return 1;
    }

    @Command(name = "promote", description = "End the current pause (canary) or swap to the new version (blue-green).")
    int promote(@Mixin CommonOptions o) {
        return command(o, "/v1/promote", Map.of(), "promoted");
    }

    @Command(name = "pause", description = "Hold the rollout in progress where it is.")
    int pause(@Mixin CommonOptions o) {
        return command(o, "/v1/pause", Map.of(), "paused");
    }

    @Command(name = "resume", description = "Let a paused rollout go on.")
    int resume(@Mixin CommonOptions o) {
        return command(o, "/v1/resume", Map.of(), "resumed");
    }

    @Command(name = "abort", description = "Roll the rollout in progress back to the stable version.")
    int abort(@Mixin CommonOptions o, @Option(names = "--reason", description = "Recorded in the history.") String reason) {
        return command(o, "/v1/abort", reason == null ? Map.of() : Map.of("reason", reason), "aborting");
    }

    @Command(name = "rollback", description = "Abort the rollout in progress; or go back to the last version that "
            + "succeeded before the running one (or to REVISION), with no manual gate, and follow it to the end.")
    int rollback(@Mixin CommonOptions o, @Parameters(arity = "0..1", paramLabel = "REVISION") Long revision,
                 @Option(names = "--no-wait", description = "Return once the rollback has started.") boolean noWait,
                 @Option(names = "--timeout", defaultValue = "60", description = "Minutes to wait for the outcome.")
                 long timeoutMinutes) throws InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        if (revision != null) {
            body.put("revision", revision);
        }
        BatonClient client = o.client();
        JsonNode r = client.post("/v1/rollback", body);
        if (noWait) {
            if (o.json) {
                o.printJson(r);
            } else {
                Views.rolloutLine(o.out(), r);
                o.out().println("follow it with: baton status --watch");
            }
            return 0;
        }
        String id = r.path("id").asText();
        boolean aborting = r.path("rollbackTo").isNull() || r.path("rollbackTo").isMissingNode();
        o.progress().println("rollout " + id + ": rolling back to " + (aborting ? Views.orNone(r.path("stableVersion"))
                : r.path("version").asText() + " (revision " + r.path("rollbackTo").asLong() + ")"));
        o.progress().flush();
        String phase = DeployCommand.phase(DeployCommand.follow(o, client, id, java.time.Duration.ofMinutes(timeoutMinutes)));
        // An aborted rollout ends ROLLED_BACK: for it, that is the rollback done.
        return phase.equals(aborting ? "ROLLED_BACK" : "SUCCEEDED") ? 0 : BatonCommand.EXIT_ROLLED_BACK;
    }

    @Command(name = "history", description = "The rollouts, newest first.")
    int history(@Mixin CommonOptions o, @Option(names = "--limit", defaultValue = "20") int limit) {
        JsonNode list = o.client().get("/v1/rollouts?limit=" + limit);
        if (o.json) {
            o.printJson(list);
            return 0;
        }
        TextTable t = new TextTable("REVISION", "ROLLOUT", "KIND", "FROM", "TO", "STRATEGY", "PHASE", "STARTED", "REASON");
        list.forEach(r -> t.row(r.path("revision").asLong(), r.path("id").asText(),
                r.path("rollbackTo").isNull() || r.path("rollbackTo").isMissingNode() ? "deploy"
                        : "rollback to " + r.path("rollbackTo").asLong(), Views.orNone(r.path("stableVersion")),
                r.path("version").asText(), r.path("strategy").asText(), r.path("phase").asText(),
                Views.at(r.path("startedAt")), r.path("reason").isNull() ? "" : r.path("reason").asText()));
        t.print(o.out());
        return 0;
    }

    @Command(name = "logs", description = "The end of an instance's log; with -f, what it writes from then on.")
    int logs(@Mixin CommonOptions o, @Parameters(paramLabel = "INSTANCE") String instance,
             @Option(names = "--lines", defaultValue = "200") int lines,
             @Option(names = {"-f", "--follow"}, description = "Keep printing what the instance writes until interrupted.")
             boolean follow) throws InterruptedException {
        String base = "/v1/instances/" + instance + "/logs";
        if (!follow) {
            String text = o.client().text(base + "?lines=" + lines);
            if (o.json) {
                o.printJson(Json.MAPPER.createObjectNode().put("instance", instance).put("log", text));
            } else {
                o.out().print(text);
                o.out().flush();
            }
            return 0;
        }
        BatonClient client = o.client();
        JsonNode chunk = client.get(base + "?from=tail&lines=" + lines);
        while (true) {
            if (o.json) {
                if (!chunk.path("text").asText().isEmpty()) {
                    o.printJson(Json.MAPPER.createObjectNode().put("instance", instance).put("log", chunk.path("text").asText()));
                }
            } else {
                o.out().print(chunk.path("text").asText());
                o.out().flush();
            }
            Thread.sleep(500);
            chunk = client.get(base + "?from=" + chunk.path("next").asLong());
        }
    }

    @Command(name = "enqueue", description = "Put a job in the queue.")
    int enqueue(@Mixin CommonOptions o, @Parameters(paramLabel = "KIND") String kind,
                @Parameters(paramLabel = "JSON", defaultValue = "{}") String payload,
                @Option(names = "--queue") String queue, @Option(names = "--unique-key") String uniqueKey) {
        JsonNode p;
        try {
            p = Json.MAPPER.readTree(payload);
        } catch (java.io.IOException e) {
            throw new CommandLine.ParameterException(o.spec.commandLine(), "JSON: not valid JSON: " + e.getMessage());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", kind);
        body.put("payload", p);
        if (queue != null) {
            body.put("queue", queue);
        }
        if (uniqueKey != null) {
            body.put("unique_key", uniqueKey);
        }
        JsonNode r = o.client().post("/v1/jobs", body);
        if (o.json) {
            o.printJson(r);
        } else {
            o.out().println((r.path("existing").asBoolean() ? "already queued as job " : "enqueued job ") + r.path("id").asLong());
        }
        return 0;
    }

    private static int command(CommonOptions o, String path, Map<String, ?> body, String done) {
        JsonNode r = o.client().post(path, body);
        if (o.json) {
            o.printJson(r);
        } else {
            o.out().println(done);
            if (r.has("rollout")) {
                Views.rolloutLine(o.out(), r.path("rollout"));
            }
        }
        return 0;
    }
}
