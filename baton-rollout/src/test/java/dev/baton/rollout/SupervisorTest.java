package dev.baton.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The supervisor's decisions against in-memory ports and a manual clock (the loop thread is not started; each
 * test calls {@code tick()}). The same behaviour against real processes: SupervisionProcessTest in baton-server.
 */
class SupervisorTest {
    final Fakes f = new Fakes();
    final AppSpec spec = RolloutEngineTest.canary(null);
    final Supervisor sup = new Supervisor(f.traffic, f.store, f.clock, f.waiter, RestartBackoff.DEFAULT);

    RolloutState finished(List<InstanceView> running) {
        return RolloutState.start("r1", spec, null, "v1", running, f.clock.instant()).toBuilder()
                .phase(RolloutPhase.SUCCEEDED).build();
    }

    @Test
    void crashedInstanceLeavesRoutingAtOnceAndIsReplacedAfterTheBackoffAndRoutedOnlyWhenReady() {
        List<InstanceView> running = f.running("v1", 2);
        sup.takeOver(finished(running), "v1", running, List.of(), f.driver);
        f.driver.onCrash(sup::crashed);
        assertThat(f.traffic.routes.get("v1")).hasSize(2);

        f.driver.crash("v1-1");
        sup.tick();
        assertThat(f.traffic.routes.get("v1")).extracting(InstanceAddress::id).containsExactly("v1-2");
        assertThat(f.store.exits()).containsEntry("v1-1", 3);
        assertThat(f.store.load("r1").orElseThrow().instances()).extracting(InstanceView::id).containsExactly("v1-2");
        assertThat(f.driver.running).doesNotContainKey("v1-3");

        f.clock.advance(Duration.ofSeconds(1));
        sup.tick();
        assertThat(f.driver.running).containsKey("v1-3");
        assertThat(f.traffic.routes.get("v1")).extracting(InstanceAddress::id).containsExactly("v1-2");
        sup.tick(); // the fake answers ready on the second probe
        assertThat(f.traffic.routes.get("v1")).extracting(InstanceAddress::id).containsExactlyInAnyOrder("v1-2", "v1-3");
        assertThat(sup.slots()).filteredOn(s -> s.slot() == 1).singleElement()
                .satisfies(s -> assertThat(s.restarts()).isEqualTo(1));
        assertThat(f.store.events("r1")).extracting(RolloutEvent::step).containsExactly("crashed", "restart", "ready");
    }

    @Test
    void crashLoopBacksOffDoublingAndStartsOverAfterStayingReady() {
        List<InstanceView> running = f.running("v1", 2);
        sup.takeOver(finished(running), "v1", running, List.of(), f.driver);
        f.driver.onCrash(sup::crashed);
        f.driver.probesUntilReady = 1;
        String current = "v1-1";
        for (int crash = 1; crash <= 4; crash++) {
            f.driver.crash(current);
            sup.tick();
            Duration expected = Duration.ofSeconds(1L << (crash - 1));
            assertThat(sup.slots().getFirst().backoff()).isEqualTo(expected);
            f.clock.advance(expected.minusMillis(1));
            sup.tick();
            assertThat(f.driver.running.keySet()).as("no restart before the back-off of %s", expected)
                    .containsExactly("v1-2");
            f.clock.advance(Duration.ofMillis(1));
            sup.tick();
            assertThat(f.driver.running).hasSize(2);
            current = sup.slots().getFirst().instance();
            assertThat(current).isNotEqualTo("v1-2");
        }
        assertThat(sup.slots().getFirst().restarts()).isEqualTo(4);
        sup.tick(); // ready
        f.clock.advance(RestartBackoff.DEFAULT.resetAfter());
        sup.tick();
        f.driver.crash(current);
        sup.tick();
        assertThat(sup.slots().getFirst().backoff()).as("after staying ready the count starts over")
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void handOverStopsSupervisionSoACrashDuringARolloutIsLeftToTheEngine() {
        List<InstanceView> running = f.running("v1", 2);
        sup.takeOver(finished(running), "v1", running, List.of(), f.driver);
        f.driver.onCrash(sup::crashed);
        assertThat(sup.handOver()).hasSize(2);
        f.driver.crash("v1-1");
        sup.tick();
        f.clock.advance(Duration.ofMinutes(5));
        sup.tick();
        assertThat(f.driver.running.keySet()).containsExactly("v1-2");
        assertThat(f.store.exits()).isEmpty();
    }

    @Test
    void instanceThatDiedWhileNobodyWatchedIsReplacedAfterTakeOver() {
        List<InstanceView> running = f.running("v1", 2);
        f.driver.running.remove("v1-2");
        sup.takeOver(finished(running), "v1", List.of(running.get(0)), List.of(running.get(1)), f.driver);
        assertThat(f.store.exits()).containsEntry("v1-2", -1);
        f.clock.advance(Duration.ofSeconds(1));
        sup.tick();
        assertThat(f.driver.running.keySet()).containsExactlyInAnyOrder("v1-1", "v1-3");
    }

    @Test
    void statusAndADeployAnswerAtOnceWhileAnInstanceIsBeingReplacedAndNothingIsLeftUnmanaged() throws Exception {
        List<InstanceView> running = f.running("v1", 2);
        sup.takeOver(finished(running), "v1", running, List.of(), f.driver);
        f.driver.onCrash(sup::crashed);
        f.driver.crash("v1-1");
        sup.tick();
        f.clock.advance(Duration.ofSeconds(1));
        CountDownLatch starting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        f.driver.beforeStart = () -> {
            starting.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        ExecutorService loop = Executors.newSingleThreadExecutor();
        try {
            Future<?> replacing = loop.submit(sup::tick); // blocked inside driver.start, as a slow start would be
            assertThat(starting.await(10, TimeUnit.SECONDS)).isTrue();

            assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
                assertThat(sup.fleet()).extracting(InstanceView::id).containsExactly("v1-2");
                assertThat(sup.slots()).hasSize(2);
            });
            List<InstanceView> handed = assertTimeoutPreemptively(Duration.ofSeconds(1), sup::handOver);
            assertThat(handed).extracting(InstanceView::id).containsExactly("v1-2");

            release.countDown();
            replacing.get(10, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            loop.shutdownNow();
        }
        assertThat(f.driver.running.keySet()).as("the instance started for the old fleet is stopped, not left unmanaged")
                .containsExactly("v1-2");
        assertThat(sup.fleet()).isEmpty();
    }

    @Test
    void aSaveThatLostARaceIsReadAgainAndMadeOnTheNextPassNotRetriedForever() {
        List<InstanceView> running = f.running("v1", 2);
        sup.takeOver(f.store.save(finished(running)), "v1", running, List.of(), f.driver);
        f.driver.onCrash(sup::crashed);
        // Another writer (or our own save whose answer was lost) moved the stored rollout on.
        f.store.save(f.store.load("r1").orElseThrow().toBuilder().reason("someone else").build());

        f.driver.crash("v1-1");
        assertThatThrownBy(sup::tick).isInstanceOf(StaleRolloutException.class);
        sup.tick();

        RolloutState stored = f.store.load("r1").orElseThrow();
        assertThat(stored.instances()).extracting(InstanceView::id).containsExactly("v1-2");
        assertThat(stored.reason()).as("saved over what the other writer stored").isEqualTo("someone else");
    }
}
