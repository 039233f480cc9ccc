package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class BackendAdmissionTest {

    /**
     * A request admitted concurrently with a drain must be one the drain waits for: a drain that
     * found the backend idle can never be followed by an admitted request. Races admission against
     * the drain many times on two threads.
     */
    @Test
    void aDrainThatFoundTheBackendIdleIsNeverFollowedByAnAdmittedRequest() throws Exception {
        int rounds = 20_000;
        Backend[] backends = new Backend[rounds];
        for (int i = 0; i < rounds; i++) {
            backends[i] = new Backend(BackendAddress.parse("127.0.0.1:1"), BackendState.READY);
        }
        boolean[] admitted = new boolean[rounds];
        boolean[] drainFoundIdle = new boolean[rounds];
        CyclicBarrier together = new CyclicBarrier(2);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            Thread admitter = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < rounds; i++) {
                    await(together);
                    spin(i * 7 % 97);
                    admitted[i] = backends[i].tryAdmit();
                }
            });
            for (int i = 0; i < rounds; i++) {
                await(together);
                spin(i * 13 % 89); // varies which side goes first, and by how much
                // Done at once only when the drain found nothing in flight after it stopped admitting.
                drainFoundIdle[i] = backends[i].drain(Duration.ofDays(1), scheduler).isDone();
            }
            admitter.join();
        } finally {
            scheduler.shutdownNow();
        }
        for (int i = 0; i < rounds; i++) {
            assertThat(admitted[i] && drainFoundIdle[i])
                    .as("round %d: a request was admitted after the drain found the backend idle", i).isFalse();
        }
    }

    @Test
    void aBackendIsCountedInFlightTheMomentTheRouteTableChoosesItSoADrainFromThenOnWaitsForTheRequest() {
        Backend b = new Backend(BackendAddress.parse("127.0.0.1:1"), BackendState.READY);
        Routes routes = new Routes(RouteTable.single("v1", java.util.List.of("127.0.0.1:1")),
                java.util.Map.of(b.id(), b), java.util.Map.of(), java.util.Map.of());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            assertThat(routes.choose(null, null, null).backend()).isSameAs(b);
            assertThat(b.inFlight()).isEqualTo(1);
            var drain = b.drain(Duration.ofDays(1), scheduler);
            assertThat(drain).isNotDone();
            assertThat(routes.choose(null, null, null)).as("a draining backend admits nothing").isNull();

            b.requestEnded();
            assertThat(drain.join().completed()).isTrue();
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void aBackendThatIsNotReadyAdmitsNothingAndCountsNothing() {
        for (BackendState s : new BackendState[] {BackendState.STARTING, BackendState.DRAINING, BackendState.FAILED,
            BackendState.STOPPED}) {
            Backend b = new Backend(BackendAddress.parse("127.0.0.1:1"), s);
            assertThat(b.tryAdmit()).isFalse();
            assertThat(b.inFlight()).isZero();
        }
    }

    private static void spin(int n) {
        for (int i = 0; i < n; i++) {
            Thread.onSpinWait();
        }
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
