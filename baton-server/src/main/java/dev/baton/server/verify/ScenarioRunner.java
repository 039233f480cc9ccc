package dev.baton.server.verify;

import dev.baton.proof.DeployWindow;
import dev.baton.proof.HttpLoad;
import dev.baton.proof.HttpLoadConfig;
import dev.baton.proof.HttpLoadResult;
import dev.baton.proof.Invariants;
import dev.baton.proof.JobCheck;
import dev.baton.proof.JobLoad;
import dev.baton.proof.JobLoadConfig;
import dev.baton.proof.JobLoadResult;
import dev.baton.proof.ScenarioResult;
import dev.baton.queue.JobQueue;
import dev.baton.queue.QueueConfig;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one {@link Scenario} on a {@link VerifyTarget}: steady load, the deploy with its faults injected at
 * their moment, load a little longer, then the invariants. The loads belong to the scenario, so its numbers
 * are its own even though the target is shared with the scenarios before and after it.
 */
public final class ScenarioRunner {

    private static final Duration INJECTOR_GRACE = Duration.ofMinutes(3);

    private final VerifyTarget target;
    private final RunSettings settings;
    private final PrintStream progress;

    /** @param progress where progress lines go (standard error); {@code null} for none */
    public ScenarioRunner(VerifyTarget target, RunSettings settings, PrintStream progress) {
        this.target = target;
        this.settings = settings;
        this.progress = progress;
    }

    /** Deploys {@code version} as {@code scenario} says; {@code runName} names the result (unique per run). */
    public ScenarioResult run(Scenario scenario, String runName, String version) throws InterruptedException {
        say("scenario " + runName + ": " + scenario.strategy() + " deploy of " + version
                + (scenario.faults().isEmpty() ? "" : " with " + scenario.kinds()));
        if (!target.awaitNoRollout(settings.deployTimeout())) {
            say("scenario " + runName + ": a rollout is still in progress; its deploy will be refused");
        }
        long origin = System.nanoTime();
        String prefix = runName.replaceAll("[^A-Za-z0-9._-]", "-") + "-" + Long.toString(System.nanoTime() % 46_656, 36);
        HttpLoad hello = HttpLoad.start(HttpLoadConfig.of(uri("/hello"), settings.httpRate())
                .withIdPrefix(prefix).withProgressEvery(Duration.ZERO), null);
        HttpLoad slow = !scenario.needsSlowRequests() ? null
                : HttpLoad.start(HttpLoadConfig.of(uri("/slow?ms=" + settings.slowMs()), settings.slowRate())
                        .withIdPrefix(prefix + "-slow").withProgressEvery(Duration.ZERO), null);
        JobLoad jobs = JobLoad.start(new JobQueue(target.dataSource(), QueueConfig.defaults()),
                JobLoadConfig.of(settings.jobRate(), settings.jobMs()).withKeyPrefix(prefix)
                        .withProgressEvery(Duration.ZERO), null);
        ScenarioResult.Builder result = ScenarioResult.builder(runName).strategy(scenario.strategy()).version(version);
        DeployWindow window = null;
        FaultContext ctx = null;
        try {
            sleep(settings.settle()); // the "outside deploys" baseline
            DeployWindow.Open open = hello.beginDeploy(scenario.strategy() + " " + version);
            DeployWindow.Open openSlow = slow == null ? null : slow.beginDeploy(scenario.strategy() + " " + version);
            AtomicBoolean deploying = new AtomicBoolean(true);
            ctx = new FaultContext(target, version, deploying::get, progress);
            List<Thread> injectors = startInjectors(scenario, ctx, result);
            try {
                DeployOutcome outcome = target.deploy(version, scenario.strategy(), scenario.versionEnv(),
                        settings.deployTimeout());
                result.deployDuration(outcome.duration()).expectRollback(scenario.expectsRollback());
                if (outcome.rolledBack()) {
                    result.rolledBack(outcome.rollbackDuration());
                    result.explanation("rolled back: " + outcome.reason());
                    say("scenario " + runName + ": rolled back (" + outcome.reason() + ")");
                }
            } catch (RuntimeException e) {
                // The rollout may well go on; what failed is following it, as `baton deploy` would.
                result.violation("the deploy could not be followed to its end: " + e.getMessage());
            } finally {
                deploying.set(false);
                window = open.end();
                if (openSlow != null) {
                    openSlow.end();
                }
                for (Thread t : injectors) {
                    t.join(INJECTOR_GRACE.toMillis());
                    t.interrupt();
                }
            }
            sleep(settings.settle());
        } finally {
            HttpLoadResult h = hello.stop();
            HttpLoadResult s = slow == null ? null : slow.stop();
            JobLoadResult j = jobs.stop();
            JobCheck check = Invariants.checkJobs(target.dataSource(), j, settings.jobsDeadline(), progress);
            result.jobs(check);
            if (scenario.faults().stream().anyMatch(f -> f instanceof FailingJobsCanary)) {
                result.explanation(FailedJobRetries.describe(target.dataSource(), j));
            }
            FailureExplainer explainer = new FailureExplainer(ctx == null ? List.of() : ctx.injections(),
                    scenario.failsRequestsOnPurpose() ? version : null, window, origin);
            Requests.judge(h, s, explainer, result);
            if (ctx != null) {
                ctx.injections().forEach(i -> result.explanation("injected: " + i.what()));
            }
        }
        ScenarioResult r = result.build();
        say("scenario " + runName + ": " + (r.passed() ? "passed" : "FAILED") + "; " + r.requests().line());
        return r;
    }

    private List<Thread> startInjectors(Scenario scenario, FaultContext ctx, ScenarioResult.Builder result) {
        List<Thread> threads = new ArrayList<>();
        for (Fault f : scenario.faults()) {
            threads.add(Thread.ofVirtual().name("fault-" + f.kind().option()).start(() -> {
                try {
                    if (!f.inject(ctx)) {
                        synchronized (result) {
                            result.violation("fault " + f.kind().option() + " was not injected: the deploy ended "
                                    + "before its moment came");
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    synchronized (result) {
                        result.violation("fault " + f.kind().option() + " could not be injected: " + e.getMessage());
                    }
                }
            }));
        }
        return threads;
    }

    private URI uri(String pathAndQuery) {
        return URI.create(target.traffic().toString().replaceAll("/$", "") + pathAndQuery);
    }

    private void say(String line) {
        if (progress != null) {
            progress.println(line);
        }
    }

    private static void sleep(Duration d) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(d.toNanos());
    }
}
