package dev.baton.rollout;

/** Job attempts one version's workers finished since a given time: completed, and failed (including discarded). */
public record JobStats(long completed, long failed) {
    public static final JobStats NONE = new JobStats(0, 0);

    public JobStats {
        if (completed < 0 || failed < 0) {
            throw new IllegalArgumentException("job stats: counts must be >= 0, got " + completed + "/" + failed);
        }
    }

    public long attempts() {
        return completed + failed;
    }

    public double failureRate() {
        return attempts() == 0 ? 0 : (double) failed / attempts();
    }
}
