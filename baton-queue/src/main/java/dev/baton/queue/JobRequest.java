package dev.baton.queue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;

/**
 * A job to enqueue. Validated on construction; every error message starts with the field's name.
 *
 * @param kind what the job is, chosen by a handler (non-blank, at most 200 characters)
 * @param payload the job's arguments as JSON; null means {@code {}}. No string in it may hold a NUL character.
 * @param queue the queue name (non-blank, at most 200 characters)
 * @param priority -1000..1000; higher runs first
 * @param runAt when the job becomes claimable; null means now
 * @param maxAttempts 1..1000; after this many failed attempts the job is discarded
 * @param uniqueKey null, or a key that at most one unfinished job may hold at a time (at most 500 characters)
 *
 * <p>No text may contain a NUL character, which PostgreSQL cannot store.
 */
public record JobRequest(String kind, String payload, String queue, int priority, Instant runAt, int maxAttempts,
                         String uniqueKey) {

    public static final String DEFAULT_QUEUE = "default";
    public static final int DEFAULT_MAX_ATTEMPTS = 25;
    public static final int MAX_KIND_LENGTH = TextFields.MAX_NAME_LENGTH;
    public static final int MAX_UNIQUE_KEY_LENGTH = TextFields.MAX_UNIQUE_KEY_LENGTH;

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public JobRequest {
        TextFields.name("kind", kind, MAX_KIND_LENGTH);
        payload = payload == null ? "{}" : payload;
        try {
            JsonNode tree = JSON.readTree(payload);
            if (tree == null || payload.isBlank()) {
                throw new IllegalArgumentException("payload: not valid JSON: empty");
            }
            TextFields.noNul("payload", tree);
            TextFields.noNul("payload", payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("payload: not valid JSON: " + e.getOriginalMessage(), e);
        }
        TextFields.name("queue", queue, TextFields.MAX_NAME_LENGTH);
        if (priority < -1000 || priority > 1000) {
            throw new IllegalArgumentException("priority: must be within -1000..1000, got " + priority);
        }
        if (maxAttempts < 1 || maxAttempts > 1000) {
            throw new IllegalArgumentException("maxAttempts: must be within 1..1000, got " + maxAttempts);
        }
        if (uniqueKey != null && uniqueKey.isBlank()) {
            throw new IllegalArgumentException("uniqueKey: must be null or non-blank");
        }
        if (uniqueKey != null) {
            TextFields.name("uniqueKey", uniqueKey, MAX_UNIQUE_KEY_LENGTH);
        }
    }

    /** A job on queue {@code default}, priority 0, runnable now, with 25 attempts and no unique key. */
    public static JobRequest of(String kind, String payloadJson) {
        return new JobRequest(kind, payloadJson, DEFAULT_QUEUE, 0, null, DEFAULT_MAX_ATTEMPTS, null);
    }

    public JobRequest withQueue(String q) {
        return new JobRequest(kind, payload, q, priority, runAt, maxAttempts, uniqueKey);
    }

    public JobRequest withPriority(int p) {
        return new JobRequest(kind, payload, queue, p, runAt, maxAttempts, uniqueKey);
    }

    public JobRequest withRunAt(Instant t) {
        return new JobRequest(kind, payload, queue, priority, t, maxAttempts, uniqueKey);
    }

    public JobRequest withMaxAttempts(int n) {
        return new JobRequest(kind, payload, queue, priority, runAt, n, uniqueKey);
    }

    public JobRequest withUniqueKey(String k) {
        return new JobRequest(kind, payload, queue, priority, runAt, maxAttempts, k);
    }
}
