package dev.baton.proof;

/**
 * Requests of a run or of one deploy, counted by outcome, with latency in milliseconds (from the
 * intended send time) outside and during deploys. A latency is {@code null} when no request fell there.
 *
 * @param sent requests sent; always {@code ok + failed + unknown}
 * @param failedExplained of {@code failed}, those the caller explained (e.g. inside an instance that
 *     was SIGKILLed on purpose); they are reported, not counted as violations
 */
public record RequestSummary(long sent, long ok, long failed, long unknown, long failedExplained,
                             Double p50OutsideMs, Double p99OutsideMs, Double p50DuringMs, Double p99DuringMs,
                             Double p99Ms, Double maxMs) {

    public RequestSummary {
        if (sent != ok + failed + unknown) {
            throw new IllegalArgumentException("sent: must equal ok + failed + unknown, got " + sent + " != " + ok
                    + " + " + failed + " + " + unknown);
        }
        if (failedExplained < 0 || failedExplained > failed) {
            throw new IllegalArgumentException("failedExplained: must be within 0..failed, got " + failedExplained);
        }
    }

    /** Failed requests nobody explained: the ones that break "zero failed requests". */
    public long failedUnexplained() {
        return failed - failedExplained;
    }

    /** One line for progress output. */
    public String line() {
        return "sent " + sent + ", ok " + ok + ", failed " + failed + (failedExplained > 0 ? " (" + failedExplained
                + " explained)" : "") + ", unknown " + unknown + ", p99 " + Report.ms(p99Ms);
    }
}
