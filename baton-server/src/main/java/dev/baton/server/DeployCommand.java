package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code baton deploy <version>}: starts a rollout and, unless {@code --no-wait}, follows it to its end,
 * printing each step; exits 1 when the rollout was rolled back.
 */
@Command(name = "deploy", description = "Roll out a version and follow it to the end.")
final class DeployCommand implements Callable<Integer> {
    @Mixin
    CommonOptions o;

    @Parameters(paramLabel = "VERSION")
    String version;

    @Option(names = "--strategy", description = "rolling, blue-green or canary (default: the spec's).")
    String strategy;

    @Option(names = "--env", description = "Extra environment for the new instances, K=V (repeatable).")
    Map<String, String> env;

    @Option(names = "--set", description = "A one-off change of one spec field for this deploy, PATH=VALUE "
            + "(e.g. strategy.auto_promote=false; repeatable), validated like the spec.")
    java.util.LinkedHashMap<String, String> settings;

    @Option(names = "--no-wait", description = "Return once the rollout has started.")
    boolean noWait;

    @Option(names = "--timeout", defaultValue = "60", description = "Minutes to wait for the outcome.")
    long timeoutMinutes;

    @Override
    public Integer call() throws Exception {
        BatonClient client = o.client();
        String id = client.deploy(new DeployRequest(version, strategy, env).withSettings(settings));
        if (noWait) {
            if (o.json) {
                o.printJson(client.get("/v1/rollouts/" + id).path("rollout"));
            } else {
                o.out().println("rollout " + id + " started; follow it with: baton status --watch");
            }
            return 0;
        }
        o.progress().println("rollout " + id + ": deploying " + version);
        o.progress().flush();
        return phase(follow(o, client, id, Duration.ofMinutes(timeoutMinutes))).equals("SUCCEEDED") ? 0
                : BatonCommand.EXIT_ROLLED_BACK;
    }

    static String phase(JsonNode end) {
        return end.path("rollout").path("phase").asText();
    }

    /** Follows a rollout to its end, printing each step, then the rollout and its instances; returns its detail. */
    static JsonNode follow(CommonOptions o, BatonClient client, String id, Duration timeout) throws InterruptedException {
        JsonNode end = client.awaitOutcome(id, timeout, e -> Views.event(o.progress(), e));
        JsonNode r = end.path("rollout");
        if (o.json) {
            o.printJson(end);
        } else {
            Views.rolloutLine(o.out(), r);
            Views.instances(o.out(), end.path("instances"));
        }
        return end;
    }
}
