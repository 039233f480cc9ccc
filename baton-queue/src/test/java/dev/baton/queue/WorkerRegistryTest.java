package dev.baton.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkerRegistryTest extends QueueTestSupport {

    private static WorkerInfo worker(String id, String version) {
        return new WorkerInfo(id, version, "host-a", 42, Set.of("email", "sms"), null, null);
    }

    @Test
    void aWorkerIsLiveUntilItIsNotSeenForTheWorkerTimeout() {
        queue.workers().register(worker("w1", "v1"));
        queue.workers().register(worker("w2", "v2"));

        clock.advance(Duration.ofSeconds(45));
        queue.workers().touch("w1");
        clock.advance(Duration.ofSeconds(45));

        assertThat(queue.workers().live()).extracting(WorkerInfo::id).containsExactly("w1");
        WorkerInfo w1 = queue.workers().live().get(0);
        assertThat(w1.version()).isEqualTo("v1");
        assertThat(w1.kinds()).containsExactlyInAnyOrder("email", "sms");
        assertThat(w1.pid()).isEqualTo(42);
        assertThat(w1.lastSeen()).isEqualTo(clock.instant().minusSeconds(45));
    }

    @Test
    void registeringAgainReplacesAndDeregisterRemoves() {
        queue.workers().register(worker("w1", "v1"));
        queue.workers().register(worker("w1", "v2"));
        assertThat(queue.workers().live()).extracting(WorkerInfo::version).containsExactly("v2");

        queue.workers().deregister("w1");
        assertThat(queue.workers().live()).isEmpty();
    }

    @Test
    void theRescuerForgetsWorkersGoneForTenTimeouts() {
        queue.workers().register(worker("crashed", "v1"));
        clock.advance(QueueConfig.defaults().workerTimeout().multipliedBy(10).minusSeconds(1));
        queue.workers().register(worker("alive", "v1"));
        queue.rescueExpired();
        assertThat(rows()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(2));
        queue.rescueExpired();
        assertThat(rows()).isEqualTo(1);
    }

    private static long rows() {
        try (var c = ds.getConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM baton_workers")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
