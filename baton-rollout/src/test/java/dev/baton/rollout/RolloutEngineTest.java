package dev.baton.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine against in-memory ports (pure logic: the driver and proxy are fakes here; see LocalProcessDriverTest). */
class RolloutEngineTest {
    final Fakes f = new Fakes();

    static AppSpec canary(String analysis) {
        return AppSpec.parse("""
                app: shop
                run: x {port}
                instances: 2
                worker: { kinds: [a] }
                drain: { timeout: 5s, jobs_soft: 2s, jobs_hard: 3s }
                strategy: { type: canary, steps: [ {weight: 50, pause: 1m}, {weight: 100} ]%s }
                """.formatted(analysis == null ? "" : ", analysis: " + analysis));
    }

    RolloutEngine engine(AppSpec spec) {
        return new RolloutEngine(Strategy.of(spec), f.ports(), f.clock, f.waiter);
    }

    @Test
    void canaryRunsToTheEndAndRecordsEveryStepBeforeAndAfter() throws Exception {
        AppSpec spec = canary(null);
        RolloutState end = engine(spec).run(RolloutState.start("r1", spec, "v1", "v2", f.running("v1", 2), f.clock.instant()));
        assertThat(end.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
        assertThat(f.driver.running.keySet()).containsExactlyInAnyOrder("v2-3", "v2-4");
        assertThat(f.traffic.weights).isEqualTo(Map.of("v2", 100));
        assertThat(f.traffic.routes.keySet()).containsExactly("v2");
        assertThat(f.jobs.shares).isEmpty();
        List<RolloutEvent> events = f.store.events("r1");
        long started = events.stream().filter(e -> e.kind() == RolloutEvent.Kind.STEP_STARTED).count();
        long done = events.stream().filter(e -> e.kind() == RolloutEvent.Kind.STEP_DONE).count();
        assertThat(started).isEqualTo(done).isGreaterThan(8);
        for (int i = 0; i < events.size(); i += 2) {
            assertThat(events.get(i).kind()).isEqualTo(RolloutEvent.Kind.STEP_STARTED);
            assertThat(events.get(i + 1).kind()).isEqualTo(RolloutEvent.Kind.STEP_DONE);
            assertThat(events.get(i + 1).step()).isEqualTo(events.get(i).step());
        }
        assertThat(f.store.load("r1")).contains(end);
        assertThat(f.journal).containsSubsequence("weights {v1=50, v2=50}", "shares {v1=50, v2=50}",
                "weights {v1=0, v2=100}", "shares {v1=0, v2=100}");
    }

    @Test
    void everyInstanceLeavesRoutingAndGoesIdleBeforeItIsStopped() throws Exception {
        AppSpec spec = canary(null);
        engine(spec).run(RolloutState.start("r1", spec, "v1", "v2", f.running("v1", 2), f.clock.instant()));
        for (String id : List.of("v1-1", "v1-2")) {
            assertThat(f.journal).containsSubsequence("drain " + id, "idle " + id, "stop " + id + " grace 8s");
        }
        assertThat(f.journal.indexOf("weights {v1=0, v2=100}")).isLessThan(f.journal.indexOf("drain v1-1"));
    }

    @Test
    void failingAnalysisRollsBackTrafficAndJobsAndRetriesTheCanarysFailedJobs() throws Exception {
        AppSpec spec = canary("{ interval: 10s, max_error_rate: 1%, min_requests: 10 }");
        f.traffic.perReading.put("v2", new HttpStats(100, 30, Duration.ofMillis(10)));
        f.traffic.perReading.put("v1", new HttpStats(100, 0, Duration.ofMillis(10)));
        RolloutState end = engine(spec).run(RolloutState.start("r1", spec, "v1", "v2", f.running("v1", 2), f.clock.instant()));
        assertThat(end.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(end.reason()).startsWith("analysis failed: error rate 30.00% vs max 1.00%");
        assertThat(f.traffic.weights).isEqualTo(Map.of("v1", 100));
        assertThat(f.driver.running.keySet()).containsExactlyInAnyOrder("v1-1", "v1-2");
        assertThat(f.journal).containsSubsequence("weights {v1=50, v2=50}", "weights {v1=100}", "shares {v1=100}",
                "drain v2-3", "stop v2-3 grace 8s", "retry failed jobs of v2", "shares cleared");
    }

    @Test
    void crashedCanaryIsReplaced() throws Exception {
        AppSpec spec = canary(null);
        f.driver.probesUntilReady = 1;
        RolloutEngine engine = engine(spec);
        RolloutState start = RolloutState.start("r1", spec, "v1", "v2", f.running("v1", 2), f.clock.instant());
        RolloutState s = start;
        Step first = Strategy.of(spec).next(s);
        assertThat(first).isEqualTo(new Step.StartInstances("v2", 1));
        Instance doomed = f.driver.start("v2");
        s = s.toBuilder().instances(List.of(s.instances().get(0), s.instances().get(1),
                new InstanceView(doomed, InstanceState.STARTING, null))).build();
        f.driver.crash(doomed.id());
        RolloutState end = engine.run(s);
        assertThat(end.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
        assertThat(f.journal).containsSubsequence("crash v2-3", "stop v2-3 grace 8s", "start v2-4");
        assertThat(f.store.events("r1")).anySatisfy(e -> assertThat(e.detail()).contains("failed: v2-3 already_stopped"));
    }

    @Test
    void instancesExitingBeforeReadyBackOffAndRollBackAfterMaxStartFailuresQuotingExitCodeAndLog() throws Exception {
        AppSpec spec = AppSpec.parse("app: shop\nrun: x {port}\ninstances: 2\nprogress_deadline: 1h\n");
        f.driver.failingVersions.add("v2");
        java.time.Instant t0 = f.clock.instant();
        RolloutState end = engine(spec).run(RolloutState.start("r1", spec, "v1", "v2", f.running("v1", 2), t0));

        assertThat(end.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(end.reason()).startsWith("3 instances in a row exited before they were ready (max_start_failures 3)")
                .contains("v2-5 exited with code 127 before it was ready")
                .contains("sh: 1: /nonexistent/bin/myserver: not found");
        assertThat(f.journal).filteredOn(j -> j.startsWith("start v2-")).hasSize(3);
        assertThat(Duration.between(t0, f.clock.instant())).as("backed off 1 s, then 2 s")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(3)).isLessThan(Duration.ofMinutes(1));
        assertThat(f.driver.running.keySet()).containsExactlyInAnyOrder("v1-1", "v1-2");
        assertThat(f.traffic.weights).as("traffic never moved").doesNotContainKey("v2");
    }

    @Test
    void anInstanceThatBecomesReadyResetsTheCountOfStartFailures() throws Exception {
        AppSpec spec = AppSpec.parse("app: shop\nrun: x {port}\ninstances: 1\nmax_start_failures: 2\n");
        RolloutState s = RolloutState.start("r1", spec, "v1", "v2", f.running("v1", 1), f.clock.instant())
                .toBuilder().startFailures(1).lastStartFailure("v2-0 exited with code 1 before it was ready").build();
        RolloutState end = engine(spec).run(s);
        assertThat(end.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
        assertThat(end.startFailures()).isZero();
    }

    @Test
    void pauseForeverEndsOnPromote() throws Exception {
        AppSpec spec = AppSpec.parse("app: shop\nrun: x {port}\ninstances: 1\nstrategy: { type: canary, steps: [ {weight: 20, pause: forever}, {weight: 100} ] }\n");
        RolloutEngine engine = engine(spec);
        int[] waits = {0};
        f.onForever = () -> { waits[0]++; engine.promote(); };
        RolloutState end = engine.run(RolloutState.start("r1", spec, "v1", "v2", f.running("v1", 1), f.clock.instant()));
        assertThat(end.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
        assertThat(waits[0]).isEqualTo(1);
        assertThat(f.store.events("r1")).anySatisfy(e -> assertThat(e.step()).isEqualTo("promote"));
    }

    @Test
    void pausedRolloutHoldsSilentlyAndTheTimeHeldCountsNeitherAgainstTheDeadlineNorThePause() throws Exception {
        AppSpec spec = canary(null);
        RolloutEngine[] engine = new RolloutEngine[1];
        int[] holds = {0};
        // Pause once the canary takes half the traffic: the 1m step pause has begun.
        TrafficControl pauseAtHalf = new TrafficControl() {
            @Override public void setRoutes(Map<String, List<InstanceAddress>> r) { f.traffic.setRoutes(r); }
            @Override public void setWeights(Map<String, Integer> w) {
                f.traffic.setWeights(w);
                if (w.equals(Map.of("v1", 50, "v2", 50))) engine[0].pause(true);
            }
            @Override public void setPreview(String v) { f.traffic.setPreview(v); }
            @Override public void drain(InstanceAddress b) { f.traffic.drain(b); }
            @Override public boolean awaitIdle(InstanceAddress b, Duration t) { return f.traffic.awaitIdle(b, t); }
            @Override public Map<String, HttpCounters> metrics() { return f.traffic.metrics(); }
        };
        RolloutEngine paused = engine[0] = new RolloutEngine(Strategy.of(spec),
                new RolloutPorts(f.driver, pauseAtHalf, f.jobs, f.store, (v, p) -> true), f.clock, f.waiter);
        f.onForever = () -> {
            holds[0]++;
            f.clock.advanceTo(f.clock.instant().plus(Duration.ofHours(1)));
            paused.pause(false);
        };
        java.time.Instant t0 = f.clock.instant();
        RolloutState end = paused.run(RolloutState.start("r1", spec, "v1", "v2", f.running("v1", 2), t0));
        assertThat(end.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
        assertThat(holds[0]).as("one wait for the whole pause").isEqualTo(1);
        assertThat(f.store.events("r1")).filteredOn(e -> e.kind() == RolloutEvent.Kind.COMMAND)
                .extracting(RolloutEvent::step).containsExactly("pause", "resume");
        assertThat(f.store.events("r1")).filteredOn(e -> e.step().equals("resume")).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("held 1h"));
        // The 1m step pause still ran in full after the hour held: the rollout ends an hour and a minute in.
        assertThat(Duration.between(t0, f.clock.instant())).isGreaterThanOrEqualTo(Duration.ofMinutes(61));
    }

    @Test
    void newVersionThatNeverBecomesReadyIsRolledBackAtTheProgressDeadline() throws Exception {
        AppSpec spec = canary(null);
        f.driver.neverReady.add("v2");
        RolloutState end = engine(spec).run(RolloutState.start("r1", spec, "v1", "v2", f.running("v1", 2), f.clock.instant()));
        assertThat(end.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(end.reason()).contains("progress deadline 10m passed");
        assertThat(f.clock.instant()).isEqualTo(Simulation.T0.plus(Duration.ofMinutes(10)));
        assertThat(f.driver.running.keySet()).containsExactlyInAnyOrder("v1-1", "v1-2");
        assertThat(f.journal).noneMatch(line -> line.startsWith("weights"));
    }

    @Test
    void aFailingPortIsRecordedAndRetriedNotFatal() throws Exception {
        AppSpec spec = canary(null);
        int[] calls = {0};
        TrafficControl flaky = new TrafficControl() {
            @Override public void setRoutes(Map<String, List<InstanceAddress>> r) { f.traffic.setRoutes(r); }
            @Override public void setWeights(Map<String, Integer> w) {
                if (calls[0]++ == 0) throw new IllegalStateException("proxy admin API unreachable");
                f.traffic.setWeights(w);
            }
            @Override public void setPreview(String v) { f.traffic.setPreview(v); }
            @Override public void drain(InstanceAddress b) { f.traffic.drain(b); }
            @Override public boolean awaitIdle(InstanceAddress b, Duration t) { return f.traffic.awaitIdle(b, t); }
            @Override public Map<String, HttpCounters> metrics() { return f.traffic.metrics(); }
        };
        RolloutEngine engine = new RolloutEngine(Strategy.of(spec),
                new RolloutPorts(f.driver, flaky, f.jobs, f.store, (v, p) -> true), f.clock, f.waiter);
        RolloutState end = engine.run(RolloutState.start("r1", spec, "v1", "v2", f.running("v1", 2), f.clock.instant()));
        assertThat(end.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
        assertThat(engine.failures()).isEqualTo(1);
        assertThat(f.store.events("r1")).filteredOn(e -> e.kind() == RolloutEvent.Kind.STEP_FAILED).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("proxy admin API unreachable"));
    }

    @Test
    void resumedRolloutAdoptsLiveInstancesAndReplacesVanishedOnes() throws Exception {
        AppSpec spec = canary(null);
        RolloutState s = RolloutState.start("r1", spec, "v1", "v2", f.running("v1", 2), f.clock.instant());
        Instance canary = f.driver.start("v2");
        s = s.toBuilder().instances(List.of(s.instances().get(0), s.instances().get(1),
                new InstanceView(canary, InstanceState.READY, f.clock.instant()))).weights(Step.split("v1", 50, "v2", 50)).build();
        f.driver.running.remove("v1-2"); // died while no controller was running
        RolloutState end = engine(spec).resume(s);
        assertThat(end.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
        assertThat(f.journal).startsWith("start v2-3", "weights {v1=50, v2=50}");
        assertThat(f.journal).contains("stop v1-2 grace 8s").doesNotContain("stop v2-3 grace 8s");
        assertThat(f.driver.running).containsKey("v2-3");
    }

    @Test
    void aRolloutResumedAfterItsControllerWasAwayLongerThanTheProgressDeadlineIsNotRolledBackForTheAbsence()
            throws Exception {
        AppSpec spec = AppSpec.parse("""
                app: shop
                run: x {port}
                instances: 2
                progress_deadline: 1m
                strategy: { type: canary, steps: [ {weight: 50, pause: 30s}, {weight: 100} ] }
                """);
        RolloutState s = RolloutState.start("r1", spec, "v1", "v2", f.running("v1", 2), f.clock.instant());
        Instance canary = f.driver.start("v2");
        s = f.store.save(s.toBuilder().instances(List.of(s.instances().get(0), s.instances().get(1),
                new InstanceView(canary, InstanceState.STARTING, f.clock.instant()))).build());
        f.clock.advance(Duration.ofMinutes(10)); // the control plane was down; the canary became ready meanwhile
        f.driver.probesUntilReady = 1;

        RolloutState end = engine(spec).resume(f.store.load("r1").orElseThrow());

        assertThat(end.phase()).as(end.reason()).isEqualTo(RolloutPhase.SUCCEEDED);
        assertThat(f.journal).contains("weights {v1=50, v2=50}");
    }

    @Test
    void abortDuringBlueGreenScaleDownDelayIsOneWeightChangeBack() throws Exception {
        AppSpec spec = AppSpec.parse("app: shop\nrun: x {port}\ninstances: 2\nstrategy: { type: blue-green, scale_down_delay: 5m }\n");
        RolloutEngine[] engine = new RolloutEngine[1];
        Fakes.Traffic t = f.traffic;
        TrafficControl abortAfterSwap = new TrafficControl() {
            @Override public void setRoutes(Map<String, List<InstanceAddress>> r) { t.setRoutes(r); }
            @Override public void setWeights(Map<String, Integer> w) {
                t.setWeights(w);
                if (w.equals(Map.of("green", 100))) engine[0].abort("bad release");
            }
            @Override public void setPreview(String v) { t.setPreview(v); }
            @Override public void drain(InstanceAddress b) { t.drain(b); }
            @Override public boolean awaitIdle(InstanceAddress b, Duration d) { return t.awaitIdle(b, d); }
            @Override public Map<String, HttpCounters> metrics() { return t.metrics(); }
        };
        engine[0] = new RolloutEngine(Strategy.of(spec), new RolloutPorts(f.driver, abortAfterSwap, f.jobs, f.store,
                (v, p) -> true), f.clock, f.waiter);
        RolloutState end = engine[0].run(RolloutState.start("r1", spec, "blue", "green", f.running("blue", 2), f.clock.instant()));
        assertThat(end.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        List<String> afterSwap = f.journal.subList(f.journal.indexOf("weights {green=100}") + 1, f.journal.size());
        assertThat(afterSwap.getFirst()).as("the first effect of the rollback is the route swap back").isEqualTo("weights {blue=100}");
        assertThat(afterSwap).noneMatch(l -> l.startsWith("start"));
        assertThat(f.driver.running.keySet()).containsExactlyInAnyOrder("blue-1", "blue-2");
    }

    @Test
    void everyInstanceIsStoredAsItStartsNotWhenTheWholeStepEnds() throws Exception {
        AppSpec spec = AppSpec.parse("app: shop\nrun: x {port}\ninstances: 3\nstrategy: { type: blue-green }\n");
        RolloutState start = f.store.save(RolloutState.start("r1", spec, "blue", "green", f.running("blue", 3),
                f.clock.instant()));
        List<Long> greenStoredAtEachStart = new java.util.ArrayList<>();
        f.driver.beforeStart = () -> greenStoredAtEachStart.add(f.store.load("r1").orElseThrow().instances().stream()
                .filter(v -> v.version().equals("green")).count());

        engine(spec).run(start);

        assertThat(greenStoredAtEachStart).containsExactly(0L, 1L, 2L);
    }

    @Test
    void aResumedRolloutTakesInWhatRunsUnrecordedAndStopsWhatBelongsToNoVersionOfIt() throws Exception {
        AppSpec spec = canary(null);
        RolloutState s = f.store.save(RolloutState.start("r1", spec, "v1", "v2", f.running("v1", 2), f.clock.instant()));
        Instance unrecorded = f.driver.start("v2"); // started; the controller died before recording it
        Instance stray = f.driver.start("v0");       // of no version of this rollout

        RolloutEngine engine = engine(spec);
        RolloutState end = engine.resume(s);

        assertThat(end.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
        assertThat(f.journal).contains("stop " + stray.id() + " grace 8s");
        assertThat(f.journal.stream().filter(l -> l.startsWith("start v2"))).as("the unrecorded canary counts as started")
                .containsExactly("start v2-3", "start v2-5");
        assertThat(end.live()).extracting(InstanceView::id).contains(unrecorded.id());
        assertThat(f.driver.running.keySet()).containsExactlyInAnyOrder(unrecorded.id(), "v2-5");
    }

    @Test
    void aFinishedEngineNoLongerListensForCrashes() throws Exception {
        AppSpec spec = canary(null);
        RolloutEngine engine = engine(spec);
        assertThat(f.driver.listeners).hasSize(1);
        engine.run(RolloutState.start("r1", spec, "v1", "v2", f.running("v1", 2), f.clock.instant()));
        assertThat(f.driver.listeners).as("the driver keeps no reference to a finished engine").isEmpty();
    }

    @Test
    void analysisJudgesTheRequestsOfItsStepNotTheLifetimeOfAVersionNameDeployedBefore() throws Exception {
        AppSpec spec = canary("{ interval: 10s, max_error_rate: 1%, max_p99: 500ms, min_requests: 10 }");
        // v2 was deployed before and rolled back: its lifetime counters are full of failures and slow requests.
        f.traffic.history.put("v2", new HttpStats(5000, 4000, Duration.ofSeconds(5)));
        f.traffic.perReading.put("v2", new HttpStats(100, 0, Duration.ofMillis(10)));
        f.traffic.perReading.put("v1", new HttpStats(100, 0, Duration.ofMillis(10)));

        RolloutState end = engine(spec).run(RolloutState.start("r1", spec, "v1", "v2", f.running("v1", 2), f.clock.instant()));

        assertThat(end.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
        assertThat(f.store.events("r1")).filteredOn(e -> e.step().equals("Analyse") && e.detail().startsWith("PASS"))
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.detail()).contains("error rate 0.00%").contains("[window ")
                        .contains("since the step began"));
    }

    @Test
    void aCanaryThatTurnsBadLateIsJudgedOnItsStepAndNotAveragedAwayByItsGoodPast() throws Exception {
        AppSpec spec = canary("{ interval: 10s, max_error_rate: 5%, min_requests: 10 }");
        f.traffic.history.put("v2", new HttpStats(100_000, 0, Duration.ofMillis(10)));
        f.traffic.perReading.put("v2", new HttpStats(100, 20, Duration.ofMillis(10)));
        f.traffic.perReading.put("v1", new HttpStats(100, 0, Duration.ofMillis(10)));

        RolloutState end = engine(spec).run(RolloutState.start("r1", spec, "v1", "v2", f.running("v1", 2), f.clock.instant()));

        assertThat(end.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(end.reason()).contains("error rate 20.00%");
    }
}
