package dev.baton.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatsTest extends QueueTestSupport {

    @Test
    void statsCountEachKindByState() {
        queue.enqueue(JobRequest.of("a", "{}"));
        clock.advance(Duration.ofSeconds(30));
        queue.enqueue(JobRequest.of("a", "{}"));
        queue.enqueue(JobRequest.of("a", "{}").withRunAt(clock.instant().plusSeconds(60)));
        queue.enqueue(JobRequest.of("b", "{}").withMaxAttempts(1));
        queue.enqueue(JobRequest.of("c", "{}"));
        queue.fail(queue.claim(claimOf(WORKER, "b")).get(0), "boom");
        queue.claim(claimOf(WORKER, "c"));

        QueueStats stats = queue.stats();

        assertThat(stats.kinds()).containsExactly(
                new KindStats("a", "default", 2, 1, 0, 0, Duration.ofSeconds(30)),
                new KindStats("b", "default", 0, 0, 0, 1, Duration.ZERO),
                new KindStats("c", "default", 0, 0, 1, 0, Duration.ZERO));
        assertThat(stats.available()).isEqualTo(2);
        assertThat(stats.running()).isEqualTo(1);
    }

    @Test
    void versionStatsCountCompletionsFailuresAndDiscardsPerVersionSinceAPoint() {
        for (int i = 0; i < 6; i++) {
            queue.enqueue(JobRequest.of("k", "{}").withMaxAttempts(2));
        }
        Instant since = clock.instant();
        List<Job> v1 = queue.claim(new ClaimRequest("w1", "v1", Set.of("k"), Set.of(), 3));
        List<Job> v2 = queue.claim(new ClaimRequest("w2", "v2", Set.of("k"), Set.of(), 3));
        clock.advance(Duration.ofMillis(200));
        queue.completeAll(v1);
        queue.complete(v2.get(0));
        queue.fail(v2.get(1), "bug in v2");
        queue.discard(v2.get(2), "bug in v2");

        Map<String, VersionJobStats> stats = queue.versionStats(since);

        assertThat(stats.get("v1")).isEqualTo(new VersionJobStats("v1", 3, 0, 0,
                Duration.ofMillis(200), Duration.ofMillis(200)));
        assertThat(stats.get("v2").completed()).isEqualTo(1);
        assertThat(stats.get("v2").failed()).isEqualTo(1);
        assertThat(stats.get("v2").discarded()).isEqualTo(1);
        assertThat(stats.get("v2").failureRate()).isEqualTo(0.5);
        assertThat(queue.versionStats(clock.instant().plusSeconds(1))).isEmpty();
    }

    @Test
    void retryFailedByRunsAVersionsFailuresAgainNowAndGivesBackItsAttempts() {
        long failed = queue.enqueue(JobRequest.of("k", "{}")).id();
        long discarded = queue.enqueue(JobRequest.of("k", "{}").withMaxAttempts(1)).id();
        long untouched = queue.enqueue(JobRequest.of("other", "{}")).id();
        Instant since = clock.instant();
        for (Job j : queue.claim(new ClaimRequest("canary", "v2", Set.of("k"), Set.of(), 10))) {
            queue.fail(j, "canary bug");
        }
        queue.fail(queue.claim(new ClaimRequest("stable", "v1", Set.of("other"), Set.of(), 10)).get(0), "v1 failure");

        assertThat(queue.retryFailedBy("v2", since)).isEqualTo(2);

        assertThat(job(failed).state()).isEqualTo(JobState.AVAILABLE);
        assertThat(job(failed).runAt()).isEqualTo(clock.instant());
        assertThat(job(failed).attempt()).isZero();
        assertThat(job(discarded).state()).isEqualTo(JobState.AVAILABLE);
        assertThat(job(discarded).attempt()).isZero();
        assertThat(job(untouched).runAt()).isAfter(clock.instant());
        assertThat(queue.claim(new ClaimRequest("stable", "v1", Set.of("k"), Set.of(), 10))).hasSize(2);
    }

    @Test
    void pruneDeletesOnlyCompletedJobsOlderThanTheRetention() {
        queue.enqueue(JobRequest.of("k", "{}"));
        queue.enqueue(JobRequest.of("k", "{}"));
        queue.completeAll(queue.claim(claimOf(WORKER, "k")));
        clock.advance(Duration.ofHours(23));
        queue.enqueue(JobRequest.of("k", "{}"));
        queue.completeAll(queue.claim(claimOf(WORKER, "k")));
        queue.enqueue(JobRequest.of("k", "{}").withRunAt(clock.instant().minus(Duration.ofDays(3))));

        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertThat(queue.prune()).isEqualTo(2);
        assertThat(count("state = 'COMPLETED'")).isEqualTo(1);
        assertThat(count("state = 'AVAILABLE'")).isEqualTo(1);
    }
}
