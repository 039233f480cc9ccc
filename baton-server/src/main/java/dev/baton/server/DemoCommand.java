package dev.baton.server;

import dev.baton.proof.Report;
import dev.baton.proof.ScenarioResult;
import dev.baton.server.scenario.DataPlaneReaper;
import dev.baton.server.scenario.Deploy;
import dev.baton.server.scenario.Stage;
import dev.baton.server.scenario.StageOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code baton demo}: on a clean {@code .baton/demo}, the sample app under steady HTTP traffic and jobs through
 * a rolling deploy, a blue-green deploy and a canary of a deliberately bad version that analysis must roll
 * back; then a table per deploy (or, with {@code --json}, one JSON object). At the start it prints the dashboard's
 * address with a one-time login link, so the deploys can be watched as they go. Everything it started is stopped
 * at the end. Exit 0 only when every invariant held.
 */
@Command(name = "demo", description = "Deploy the sample app three ways under load and prove nothing failed or was lost.")
final class DemoCommand implements Callable<Integer> {
    static final String BAD_CANARY_WHY = "v4 answers 30% of requests with 500 on purpose until analysis rolls it back";
    private static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(5);

    @Option(names = "--quick", description = "Fewer instances, shorter pauses and deadlines (under two minutes).")
    boolean quick;

    @Option(names = "--json", description = "Print one JSON object on standard output; progress goes to standard error.")
    boolean json;

    @Option(names = "--home", defaultValue = ".baton/demo", description = "The demo's home, cleaned first (default: ${DEFAULT-VALUE}).")
    Path home;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintStream progress = System.err;
        PrintWriter out = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        clean(home.toAbsolutePath());
        List<ScenarioResult> results = new ArrayList<>();
        try (Stage stage = Stage.start(StageOptions.defaults(home, quick, progress))) {
            progress.println("demo: watch it on the dashboard (this link signs in once, within "
                    + dev.baton.common.Durations.format(DashboardSessions.LINK_TTL) + "): "
                    + stage.client().post("/v1/dashboard/links", Map.of()).path("url").asText());
            Deploy rolling = stage.deploy("v2", "rolling", Map.of(), DEPLOY_TIMEOUT);
            Deploy blueGreen = stage.deploy("v3", "blue-green", Map.of(), DEPLOY_TIMEOUT);
            Deploy canary = stage.deploy("v4", "canary", Map.of("SAMPLE_ERROR_RATE", "0.3",
                    "SAMPLE_JOB_FAIL_RATE", "0.3"), DEPLOY_TIMEOUT);
            results.add(stage.finish("rolling v2", rolling, false, null));
            results.add(stage.finish("blue-green v3", blueGreen, false, null));
            results.add(stage.finish("bad canary v4", canary, true, BAD_CANARY_WHY));
        }
        progress.printf("demo: done in %.0f s%n", (System.nanoTime() - t0) / 1e9);
        out.print(json ? Report.demoJson(results) + "\n" : Report.demoTable(results));
        out.flush();
        return results.stream().allMatch(ScenarioResult::passed) ? 0 : 1;
    }

    /** Stops whatever an earlier demo left running in {@code dir}, then deletes it. */
    static void clean(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        DataPlaneReaper.reap(new BatonHome(dir));
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
