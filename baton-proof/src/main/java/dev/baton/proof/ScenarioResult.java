package dev.baton.proof;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one deploy (demo) or one scenario (verify): what was measured and which invariants
 * it broke. {@link #passed()} is true exactly when {@link #violations()} is empty.
 *
 * @param name the scenario's name, e.g. {@code "rolling"} or {@code "canary-bad-jobs"}
 * @param strategy rolling, blue-green or canary
 * @param version the version deployed
 * @param rolledBack whether the deploy was rolled back
 * @param requests the requests of the scenario (or of the deploy's window)
 * @param jobs the jobs' invariant check
 * @param deployDuration how long the deploy took; {@code null} when not measured
 * @param rollbackDuration how long the rollback took; {@code null} when there was none
 * @param violations each broken invariant, in words
 * @param explanations failures and re-executions that were accepted, each explained
 */
public record ScenarioResult(String name, String strategy, String version, boolean rolledBack,
                             RequestSummary requests, JobCheck jobs, Duration deployDuration,
                             Duration rollbackDuration, List<String> violations, List<String> explanations) {

    public ScenarioResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(jobs, "jobs");
        violations = List.copyOf(violations);
        explanations = List.copyOf(explanations);
    }

    public boolean passed() {
        return violations.isEmpty();
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Gathers the measurements, then {@link #build()} judges them against the invariants of docs/proof.md. */
    public static final class Builder {

        private final String name;
        private String strategy;
        private String version;
        private boolean rolledBack;
        private Boolean expectRollback;
        private RequestSummary requests;
        private JobCheck jobs = JobCheck.none();
        private Duration deployDuration;
        private Duration rollbackDuration;
        private String failuresTolerated;
        private final List<String> violations = new ArrayList<>();
        private final List<String> explanations = new ArrayList<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        public Builder strategy(String s) {
            this.strategy = s;
            return this;
        }

        public Builder version(String v) {
            this.version = v;
            return this;
        }

        public Builder requests(RequestSummary r) {
            this.requests = r;
            return this;
        }

        public Builder jobs(JobCheck j) {
            this.jobs = j;
            return this;
        }

        public Builder deployDuration(Duration d) {
            this.deployDuration = d;
            return this;
        }

        /** Marks the deploy rolled back, with how long the rollback took ({@code null} if unknown). */
        public Builder rolledBack(Duration rollback) {
            this.rolledBack = true;
            this.rollbackDuration = rollback;
            return this;
        }

        /** A violation unless the deploy was (or, with false, was not) rolled back. */
        public Builder expectRollback(boolean expected) {
            this.expectRollback = expected;
            return this;
        }

        /**
         * Failed requests are expected here (e.g. a canary that fails 20% of requests until analysis
         * rolls it back): they are reported, with {@code why}, but are not a violation. Never use this for
         * a deploy of healthy versions.
         */
        public Builder toleratingFailedRequests(String why) {
            this.failuresTolerated = Objects.requireNonNull(why, "why");
            return this;
        }

        /** Adds a violation found by the caller, e.g. "the bad canary was promoted". */
        public Builder violation(String v) {
            violations.add(v);
            return this;
        }

        /** Adds an explanation of an accepted failure, e.g. "request r-17 was inside instance 3 when killed". */
        public Builder explanation(String e) {
            explanations.add(e);
            return this;
        }

        public ScenarioResult build() {
            if (requests == null) {
                throw new IllegalStateException("requests: required");
            }
            List<String> v = new ArrayList<>(violations);
            List<String> x = new ArrayList<>(explanations);
            if (requests.failedUnexplained() > 0) {
                if (failuresTolerated == null) {
                    v.add(requests.failedUnexplained() + " request(s) failed");
                } else {
                    x.add(requests.failedUnexplained() + " request(s) failed, tolerated: " + failuresTolerated);
                }
            }
            if (requests.unknown() > 0) {
                v.add(requests.unknown() + " request(s) got no answer in time (unknown)");
            }
            if (jobs.lost() > 0) {
                v.add(jobs.lost() + " job(s) lost");
            }
            if (jobs.duplicated() > 0) {
                v.add(jobs.duplicated() + " job(s) completed or applied more than once");
            }
            if (jobs.effectsMissing() > 0) {
                v.add(jobs.effectsMissing() + " completed job(s) without their effect");
            }
            v.addAll(jobs.problems().stream().limit(20).toList());
            x.addAll(jobs.reexecutions().stream().limit(20).toList());
            if (expectRollback != null && expectRollback != rolledBack) {
                v.add(expectRollback ? "expected a rollback, but the deploy was not rolled back"
                        : "the deploy was rolled back, but should have succeeded");
            }
            return new ScenarioResult(name, strategy, version, rolledBack, requests, jobs, deployDuration,
                    rollbackDuration, v, x);
        }
    }
}
