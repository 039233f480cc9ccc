package dev.baton.server;

import dev.baton.queue.Job;
import dev.baton.queue.JobCommands;
import dev.baton.queue.JobState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the dashboard page shows, in one answer: the app (status: versions, weights, job shares, instances,
 * supervision), the rollout in progress with its events (steps, waits, analysis verdicts), the history, and the
 * jobs (depth by kind, queue and state, routing, paused queues, last minute's throughput, running jobs, dead
 * letters) with the page's filter applied, and the chart's series.
 */
final class DashboardState {
    static final int LISTED = 200;

    private final ControlPlane cp;
    private final DashboardSeries series;

    DashboardState(ControlPlane cp, DashboardSeries series) {
        this.cp = cp;
        this.series = series;
    }

    /** The dead letters and running jobs that match a filter of kind, queue and version (null or blank: any). */
    record Filter(String kind, String queue, String version) {
        Filter {
            kind = blankToNull(kind);
            queue = blankToNull(queue);
            version = blankToNull(version);
        }

        static Filter of(Map<String, String> q) {
            return new Filter(q.get("kind"), q.get("queue"), q.get("version"));
        }

        List<Job> apply(JobCommands commands, JobState state, int limit) {
            return commands.list(state, kind, queue, 1000).stream()
                    .filter(j -> version == null || version.equals(j.version())).limit(limit).toList();
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s.strip();
        }
    }

    Map<String, Object> of(DashboardSession s, Map<String, String> query) {
        Filter filter = Filter.of(query);
        StatusView.Status status = cp.status();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("who", s.who());
        out.put("access", s.access().name());
        out.put("csrf", s.csrf());
        out.put("status", status);
        out.put("events", status.rollout() == null ? List.of()
                : cp.rolloutDetail(status.rollout().id()).map(StatusView.RolloutDetail::events).orElse(List.of()));
        out.put("history", cp.history(20));
        out.put("series", series.view());
        Map<String, Object> jobs = new LinkedHashMap<>();
        jobs.put("kinds", cp.queue().stats().kinds());
        jobs.put("routing", cp.queue().routing().shares());
        jobs.put("paused", cp.queuePauses().paused());
        jobs.put("lastMinute", cp.jobCommands().lastMinute());
        jobs.put("running", filter.apply(cp.jobCommands(), JobState.RUNNING, LISTED).stream().map(DashboardState::job).toList());
        jobs.put("deadLetters", filter.apply(cp.jobCommands(), JobState.DISCARDED, LISTED).stream().map(DashboardState::job).toList());
        jobs.put("filter", filter);
        out.put("jobs", jobs);
        return out;
    }

    /** One job with its whole error history. */
    Map<String, Object> job(long id) {
        return ApiServer.jobDetail(cp, id);
    }

    private static Map<String, Object> job(Job j) {
        Map<String, Object> v = new LinkedHashMap<>(ApiServer.jobView(j));
        v.put("worker", j.leaseOwner());
        return v;
    }
}
