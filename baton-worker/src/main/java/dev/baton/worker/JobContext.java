package dev.baton.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.queue.Job;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * What a handler gets: the job, its payload as JSON, its attempt number, and a cancellation signal.
 * Cancellation also interrupts the handler's thread, so blocking calls end early.
 */
public final class JobContext {

    // Unknown fields are ignored on purpose: during a rollout a newer version may enqueue payloads
    // with fields an older worker does not know yet, and those jobs must still run.
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Job job;
    private final String workerId;
    private final String version;
    private volatile CancelReason cancelReason;
    private JsonNode parsed;

    JobContext(Job job, String workerId, String version) {
        this.job = job;
        this.workerId = workerId;
        this.version = version;
    }

    /** The job as claimed: id, kind, queue, unique key, fence and so on. */
    public Job job() {
        return job;
    }

    public long jobId() {
        return job.id();
    }

    public String kind() {
        return job.kind();
    }

    /** 1 on the first run; counts failed attempts, not releases or retry-laters. */
    public int attempt() {
        return job.attempt();
    }

    /** The job's unique key, a natural idempotency key for its effects; may be {@code null}. */
    public String uniqueKey() {
        return job.uniqueKey();
    }

    /** The payload exactly as enqueued. */
    public String rawPayload() {
        return job.payload();
    }

    /**
     * The payload as a JSON tree.
     *
     * @throws InvalidPayloadException when it is not valid JSON (the job is then discarded)
     */
    public synchronized JsonNode payload() {
        if (parsed == null) {
            try {
                parsed = JSON.readTree(job.payload() == null ? "{}" : job.payload());
            } catch (JsonProcessingException e) {
                throw new InvalidPayloadException("payload: not valid JSON: " + e.getOriginalMessage(), e);
            }
        }
        return parsed;
    }

    /**
     * The payload bound to {@code type} with Jackson (unknown fields ignored).
     *
     * @throws InvalidPayloadException when it does not fit (the job is then discarded)
     */
    public <T> T payloadAs(Class<T> type) {
        try {
            return JSON.treeToValue(payload(), type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidPayloadException("payload: cannot be read as " + type.getSimpleName() + ": "
                    + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
    }

    /** The id of the worker running this job (its lease owner). */
    public String workerId() {
        return workerId;
    }

    /** The worker's version, or {@code null} when unversioned. */
    public String version() {
        return version;
    }

    /** True once the worker lost the job's lease or ran out of stop time; finish quickly. */
    public boolean isCancelled() {
        return cancelReason != null;
    }

    public Optional<CancelReason> cancelReason() {
        return Optional.ofNullable(cancelReason);
    }

    /** For long loops: throws {@link CancellationException} once cancelled. */
    public void throwIfCancelled() {
        CancelReason reason = cancelReason;
        if (reason != null) {
            throw new CancellationException("job " + job.id() + " cancelled: " + reason);
        }
    }

    void cancel(CancelReason reason) {
        if (cancelReason == null) {
            cancelReason = reason;
        }
    }
}
