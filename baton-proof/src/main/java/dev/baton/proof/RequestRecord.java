package dev.baton.proof;

/**
 * One request of an {@link HttpLoad}, kept so that each failure can be explained on its own.
 *
 * @param seq position on the load's timeline, from 0
 * @param id the {@code X-Request-Id} it carried
 * @param intendedNanos when it was due to be sent ({@link System#nanoTime()}), whether or not it went out then
 * @param latencyNanos from the intended send time to its end (coordinated-omission-correct)
 * @param outcome how it ended
 * @param status the HTTP status, or 0 when no response arrived
 * @param reason why it failed or is unknown; {@code null} when OK
 * @param version the {@code X-Baton-Version} of the instance that answered, or {@code null}
 */
public record RequestRecord(long seq, String id, long intendedNanos, long latencyNanos, Outcome outcome, int status,
                            String reason, String version) {

    public double latencyMillis() {
        return latencyNanos / 1e6;
    }
}
