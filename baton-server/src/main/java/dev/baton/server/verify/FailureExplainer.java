package dev.baton.server.verify;

import dev.baton.proof.DeployWindow;
import dev.baton.proof.Outcome;
import dev.baton.proof.RequestRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides, one failed request at a time, whether a failure is excused, and says why:
 * <ul>
 *   <li>a request in flight when an instance was SIGKILLed (sent before the kill, ended after it), that
 *       failed as a dead backend fails (reset, i/o error, 502, 504) — it may have been inside that instance;</li>
 *   <li>a 500 answered by a canary deliberately deployed to fail requests, before its deploy ended.</li>
 * </ul>
 * Everything else is unexcused: a SIGTERM excuses nothing, a 503 (no ready backend) is never excused.
 */
public final class FailureExplainer {

    private final List<Injection> kills;
    private final String badVersion;
    private final DeployWindow badWindow;
    private final long originNanos;

    /**
     * @param injections what the scenario's faults did
     * @param badVersion the version deployed to fail requests, or {@code null}
     * @param badWindow the deploy window of that version, or {@code null}
     * @param originNanos the scenario's start, for the "+12.3 s" times in explanations
     */
    public FailureExplainer(List<Injection> injections, String badVersion, DeployWindow badWindow, long originNanos) {
        this.kills = injections.stream().filter(Injection::killedInstance).toList();
        this.badVersion = badVersion;
        this.badWindow = badWindow;
        this.originNanos = originNanos;
    }

    /** Why a failure is excused. */
    public enum Excuse {
        /** In flight when an instance was SIGKILLed. */
        KILLED,
        /** A 500 of a version deployed to fail requests, before its rollback. */
        BAD_VERSION
    }

    /** Whether the failure of {@code r} is excused. */
    public boolean explains(RequestRecord r) {
        return excuse(r).isPresent();
    }

    /** How the failure of {@code r} is excused; empty when it is not (or {@code r} did not fail). */
    public Optional<Excuse> excuse(RequestRecord r) {
        if (r.outcome() != Outcome.FAILED) {
            return Optional.empty();
        }
        if (badVersion != null && r.status() == 500 && badVersion.equals(r.version()) && badWindow != null
                && r.intendedNanos() <= badWindow.endNanos()) {
            return Optional.of(Excuse.BAD_VERSION);
        }
        return killedBy(r).map(k -> Excuse.KILLED);
    }

    /** Why the failure of {@code r} is excused, in words; empty when it is not. */
    public Optional<String> explain(RequestRecord r) {
        return excuse(r).map(e -> switch (e) {
            case BAD_VERSION -> "tolerated: " + r.id() + " sent " + at(r.intendedNanos()) + " answered 500 by the bad "
                    + "version " + badVersion + " before it was rolled back";
            case KILLED -> {
                Injection k = killedBy(r).orElseThrow();
                yield "killed: " + r.id() + " sent " + at(r.intendedNanos()) + ", failed "
                        + at(r.intendedNanos() + r.latencyNanos()) + " (" + r.reason() + "), was in flight when "
                        + k.instance().describe() + " was SIGKILLed at " + at(k.atNanos()) + " with "
                        + k.requestsInside() + " request(s) inside";
            }
        });
    }

    private Optional<Injection> killedBy(RequestRecord r) {
        if (!deadBackendFailure(r)) {
            return Optional.empty();
        }
        long end = r.intendedNanos() + r.latencyNanos();
        return kills.stream().filter(k -> r.intendedNanos() <= k.atNanos() && end >= k.atNanos()).findFirst();
    }

    /**
     * The excused failures among {@code requests}: one line per request failed by a kill, and one line for all
     * the bad version's 500s (with their ids).
     */
    public List<String> explanations(List<RequestRecord> requests) {
        List<String> out = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (RequestRecord r : requests) {
            Optional<Excuse> e = excuse(r);
            if (e.isPresent() && e.get() == Excuse.BAD_VERSION) {
                bad.add(r.id());
            } else if (e.isPresent()) {
                out.add(explain(r).orElseThrow());
            }
        }
        if (!bad.isEmpty()) {
            out.add("tolerated: " + bad.size() + " request(s) answered 500 by the bad version " + badVersion
                    + " before it was rolled back: " + String.join(", ", bad.subList(0, Math.min(10, bad.size())))
                    + (bad.size() > 10 ? ", …" : ""));
        }
        return out;
    }

    private static boolean deadBackendFailure(RequestRecord r) {
        if (r.status() == 0) {
            String reason = String.valueOf(r.reason());
            return reason.contains("reset") || reason.startsWith("i/o error");
        }
        return r.status() == 502 || r.status() == 504;
    }

    private String at(long nanos) {
        return String.format(Locale.ROOT, "+%.3fs", (nanos - originNanos) / 1e9);
    }
}
