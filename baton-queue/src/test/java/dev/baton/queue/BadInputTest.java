package dev.baton.queue;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every bad value is rejected with a message that starts with the field's name. */
class BadInputTest {

    @Test
    void jobRequestNamesTheBadField() {
        JobRequest ok = JobRequest.of("email", "{}");
        assertThatThrownBy(() -> JobRequest.of(" ", "{}")).hasMessage("kind: must not be empty");
        assertThatThrownBy(() -> JobRequest.of("k".repeat(201), "{}")).hasMessageStartingWith("kind: must be at most 200");
        assertThatThrownBy(() -> JobRequest.of("email", "{\"a\":")).hasMessageStartingWith("payload: not valid JSON: ");
        assertThatThrownBy(() -> JobRequest.of("email", "{} trailing")).hasMessageStartingWith("payload: not valid JSON");
        assertThatThrownBy(() -> ok.withQueue("")).hasMessage("queue: must not be empty");
        assertThatThrownBy(() -> ok.withPriority(1001)).hasMessage("priority: must be within -1000..1000, got 1001");
        assertThatThrownBy(() -> ok.withMaxAttempts(0)).hasMessage("maxAttempts: must be within 1..1000, got 0");
        assertThatThrownBy(() -> ok.withUniqueKey(" ")).hasMessage("uniqueKey: must be null or non-blank");
    }

    @Test
    void textPostgresqlCannotStoreIsRejectedUpFrontNamingTheField() {
        JobRequest ok = JobRequest.of("email", "{}");
        assertThatThrownBy(() -> JobRequest.of("em\u0000ail", "{}"))
                .hasMessageStartingWith("kind: must not contain the NUL character (\\u0000), at index 2");
        assertThatThrownBy(() -> JobRequest.of("email", "{\"to\":\"a\\u0000b\"}"))
                .hasMessageStartingWith("payload.to: must not contain the NUL character");
        assertThatThrownBy(() -> JobRequest.of("email", "{\"list\":[\"x\", {\"\\u0000\": 1}]}"))
                .hasMessageStartingWith("payload.list[1] field name: must not contain the NUL character");
        assertThatThrownBy(() -> ok.withQueue("q\u0000")).hasMessageStartingWith("queue: must not contain the NUL");
        assertThatThrownBy(() -> ok.withQueue("q".repeat(201))).hasMessage("queue: must be at most 200 characters, got 201");
        assertThatThrownBy(() -> ok.withUniqueKey("k\u0000")).hasMessageStartingWith("uniqueKey: must not contain the NUL");
        assertThatThrownBy(() -> ok.withUniqueKey("k".repeat(1_000_000)))
                .hasMessage("uniqueKey: must be at most 500 characters, got 1000000");
        assertThatThrownBy(() -> new ClaimRequest("w\u0000", null, Set.of("a"), Set.of(), 1))
                .hasMessageStartingWith("workerId: must not contain the NUL");
        assertThatThrownBy(() -> new ClaimRequest("w", null, Set.of("a"), Set.of("q".repeat(201)), 1))
                .hasMessageStartingWith("queues: must be at most 200 characters");
    }

    @Test
    void nullPayloadMeansAnEmptyObject() {
        org.assertj.core.api.Assertions.assertThat(JobRequest.of("email", null).payload()).isEqualTo("{}");
    }

    @Test
    void queueConfigRejectsNegativeAndAbsurdDurations() {
        QueueConfig d = QueueConfig.defaults();
        assertThatThrownBy(() -> d.withLeaseDuration(Duration.ofSeconds(-1)))
                .hasMessage("leaseDuration: must be positive, got PT-1S");
        assertThatThrownBy(() -> d.withCompletedRetention(Duration.ZERO)).hasMessageStartingWith("completedRetention:");
        assertThatThrownBy(() -> d.withWorkerTimeout(Duration.ofDays(31)))
                .hasMessage("workerTimeout: must be at most PT720H, got PT744H");
        assertThatThrownBy(() -> d.withRetryPolicy(null)).hasMessage("retryPolicy: must not be null");
    }

    @Test
    void claimRequestNamesTheBadField() {
        assertThatThrownBy(() -> new ClaimRequest("", null, Set.of("a"), Set.of(), 1)).hasMessageStartingWith("workerId:");
        assertThatThrownBy(() -> new ClaimRequest("w", null, Set.of(), Set.of(), 1)).hasMessageStartingWith("kinds:");
        assertThatThrownBy(() -> new ClaimRequest("w", " ", Set.of("a"), Set.of(), 1)).hasMessageStartingWith("version:");
        assertThatThrownBy(() -> new ClaimRequest("w", null, Set.of("a"), Set.of(), 1001))
                .hasMessage("limit: must be within 1..1000, got 1001");
    }

    @Test
    void retryPolicyRejectsBadParameters() {
        assertThatThrownBy(() -> RetryPolicy.exponential(Duration.ofSeconds(-1), Duration.ofHours(1), 0.2))
                .hasMessageStartingWith("base: must be positive");
        assertThatThrownBy(() -> RetryPolicy.exponential(Duration.ofSeconds(10), Duration.ofSeconds(1), 0.2))
                .hasMessageStartingWith("max: must be at least base");
        assertThatThrownBy(() -> RetryPolicy.exponential(Duration.ofSeconds(1), Duration.ofHours(1), 1.5))
                .hasMessageStartingWith("jitterFraction:");
        assertThatThrownBy(() -> RetryPolicy.fixed(Duration.ofDays(60))).hasMessageStartingWith("delay: must be at most");
    }

    @Test
    void routingSharesMustBeValid() {
        LinkedHashMap<String, Integer> notHundred = new LinkedHashMap<>();
        notHundred.put("v1", 50);
        notHundred.put("v2", 40);
        assertThatThrownBy(() -> PgJobRouting.validate(notHundred)).hasMessageStartingWith("shares: must sum to 100, got 90");
        LinkedHashMap<String, Integer> negative = new LinkedHashMap<>();
        negative.put("v1", 110);
        negative.put("v2", -10);
        assertThatThrownBy(() -> PgJobRouting.validate(negative)).hasMessage("shares.v1: must be within 0..100, got 110");
        LinkedHashMap<String, Integer> blank = new LinkedHashMap<>();
        blank.put(" ", 100);
        assertThatThrownBy(() -> PgJobRouting.validate(blank)).hasMessageStartingWith("shares: version names");
    }
}
