package dev.baton.queue;

/**
 * One claim of one job: the job and the claim counter it was taken with. The job id alone does not
 * name a claim — a worker may claim again a job it lost, while its first handler still winds down —
 * so heartbeats, like every settle call, go by (id, fence).
 *
 * @param jobId the job
 * @param fence the job's {@link Job#fence()} when it was claimed
 */
public record Lease(long jobId, long fence) {}
