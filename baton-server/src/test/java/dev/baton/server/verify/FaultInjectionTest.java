package dev.baton.server.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** When and at what faults strike, against a fake target (the real ones run in ZeroDowntimeVerificationTest). */
class FaultInjectionTest {

    private static final InstanceRef OLD = new InstanceRef("shop-v1-1", "v1", 101, 5001, "READY");
    private static final InstanceRef NEW = new InstanceRef("shop-v2-1", "v2", 201, 5002, "READY");
    private static final InstanceRef NEW_STARTING = new InstanceRef("shop-v2-1", "v2", 201, 5002, "STARTING");

    @Test
    void webKillWaitsForTheMiddleOfTheRolloutThenKillsAnInstanceWithRequestsInside() throws Exception {
        FakeTarget t = new FakeTarget(List.of(OLD, NEW_STARTING), Map.of(5001, 3));
        FaultContext ctx = new FaultContext(t, "v2", () -> true, null);
        t.onPoll = n -> {
            if (n == 3) {
                t.instances = List.of(OLD, NEW);
            }
        };

        assertThat(new WebKill().inject(ctx)).isTrue();

        assertThat(t.signals).containsExactly("KILL 101");
        assertThat(ctx.injections()).singleElement().satisfies(i -> {
            assertThat(i.instance()).isEqualTo(OLD);
            assertThat(i.requestsInside()).isEqualTo(3);
            assertThat(i.killedInstance()).isTrue();
        });
    }

    @Test
    void aKillNeverTakesTheLastReadyInstance() throws Exception {
        FakeTarget t = new FakeTarget(List.of(OLD, NEW_STARTING), Map.of(5001, 3));
        AtomicBoolean deploying = new AtomicBoolean(true);
        t.onPoll = n -> deploying.set(n < 20);

        assertThat(new WebKill().inject(new FaultContext(t, "v2", deploying::get, null))).isFalse();
        assertThat(t.signals).isEmpty();
    }

    @Test
    void faultsInjectedTogetherStrikeDifferentInstances() throws Exception {
        InstanceRef other = new InstanceRef("shop-v1-2", "v1", 102, 5003, "READY");
        FakeTarget t = new FakeTarget(List.of(OLD, other, NEW), Map.of(5001, 1, 5003, 1));
        t.jobs = Map.of(5001, 1, 5003, 1);
        FaultContext ctx = new FaultContext(t, "v2", () -> true, null);

        assertThat(new WebKill().inject(ctx)).isTrue();
        assertThat(new WorkerKill().inject(ctx)).isTrue();

        assertThat(t.signals).containsExactly("KILL 101", "KILL 102");
    }

    @Test
    void slowTermSendsSigtermAndExcusesNothing() throws Exception {
        FakeTarget t = new FakeTarget(List.of(OLD, NEW), Map.of(5002, 1));
        FaultContext ctx = new FaultContext(t, "v2", () -> true, null);

        assertThat(new SlowRequestsTerm().inject(ctx)).isTrue();

        assertThat(t.signals).containsExactly("TERM 201");
        assertThat(ctx.injections()).singleElement().satisfies(i -> assertThat(i.killedInstance()).isFalse());
    }

    @Test
    void workerKillPicksAnInstanceHoldingJobs() throws Exception {
        FakeTarget t = new FakeTarget(List.of(OLD, NEW), Map.of());
        t.jobs = Map.of(5002, 2);

        assertThat(new WorkerKill().inject(new FaultContext(t, "v2", () -> true, null))).isTrue();
        assertThat(t.signals).containsExactly("KILL 201");
    }

    @Test
    void controlPlaneRestartKillsThenStartsItAgain() throws Exception {
        FakeTarget t = new FakeTarget(List.of(OLD, NEW), Map.of());

        assertThat(new ControlPlaneRestart(java.time.Duration.ZERO).inject(new FaultContext(t, "v2", () -> true, null)))
                .isTrue();
        assertThat(t.signals).containsExactly("control-plane KILL", "control-plane START");
    }

    private static final class FakeTarget implements FaultTarget {
        volatile List<InstanceRef> instances;
        final Map<Integer, Integer> inside;
        Map<Integer, Integer> jobs = Map.of();
        final List<String> signals = new CopyOnWriteArrayList<>();
        java.util.function.IntConsumer onPoll = n -> { };
        int polls;

        FakeTarget(List<InstanceRef> instances, Map<Integer, Integer> inside) {
            this.instances = new ArrayList<>(instances);
            this.inside = inside;
        }

        @Override
        public List<InstanceRef> instances() {
            onPoll.accept(++polls);
            return instances;
        }

        @Override
        public int requestsInside(InstanceRef i) {
            return inside.getOrDefault(i.port(), 0);
        }

        @Override
        public int jobsHeld(InstanceRef i) {
            return jobs.getOrDefault(i.port(), 0);
        }

        @Override
        public void signal(InstanceRef i, Signal s) {
            signals.add(s + " " + i.pid());
        }

        @Override
        public void restartDatabase() {
            signals.add("db restart");
        }

        @Override
        public void killControlPlane() {
            signals.add("control-plane KILL");
        }

        @Override
        public void startControlPlane() {
            signals.add("control-plane START");
        }
    }
}
