package dev.baton.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConcurrentConsumersTest extends QueueTestSupport {

    private static final int JOBS = 20_000;
    private static final int CONSUMERS = 4;

    @Test
    void fourConsumersCompleteEveryJobExactlyOnceAndLeaveNothing() throws Exception {
        List<JobRequest> batch = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            batch.add(JobRequest.of("k", "{\"n\": " + i + "}"));
        }
        queue.enqueueAll(batch);

        Map<Long, Integer> completions = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(CONSUMERS);
        try {
            List<Future<?>> consumers = new ArrayList<>();
            for (int c = 0; c < CONSUMERS; c++) {
                String worker = "consumer-" + c;
                boolean oneByOne = c % 2 == 0;
                consumers.add(pool.submit(() -> consume(worker, oneByOne, completions)));
            }
            for (Future<?> f : consumers) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(completions).hasSize(JOBS);
        assertThat(completions.values()).allMatch(n -> n == 1);
        assertThat(count("state = 'COMPLETED'")).isEqualTo(JOBS);
        assertThat(count("state <> 'COMPLETED'")).isZero();
        assertThat(count("fence <> 1 OR attempt <> 1")).as("each job claimed exactly once").isZero();
    }

    private void consume(String worker, boolean oneByOne, Map<Long, Integer> completions) {
        while (true) {
            List<Job> jobs = queue.claim(claimOf(worker, "k"));
            if (jobs.isEmpty()) {
                return;
            }
            if (oneByOne) {
                for (Job j : jobs) {
                    assertThat(queue.complete(j)).isTrue();
                    completions.merge(j.id(), 1, Integer::sum);
                }
            } else {
                for (long id : queue.completeAll(jobs)) {
                    completions.merge(id, 1, Integer::sum);
                }
            }
        }
    }
}
