package dev.baton.server.verify;

import java.util.Map;

/**
 * A canary whose jobs fail ({@code SAMPLE_JOB_FAIL_RATE}) before their effect. Analysis must roll it back,
 * and the jobs it failed are retried by the stable version: none is lost.
 *
 * @param failRate the fraction of job executions that throw, 0..1
 */
public record FailingJobsCanary(double failRate) implements Fault {

    public FailingJobsCanary {
        if (!(failRate > 0 && failRate <= 1)) {
            throw new IllegalArgumentException("failRate: must be within (0, 1], got " + failRate);
        }
    }

    @Override
    public FaultKind kind() {
        return FaultKind.CANARY_JOB_FAILURES;
    }

    @Override
    public Map<String, String> versionEnv() {
        return Map.of("SAMPLE_JOB_FAIL_RATE", Double.toString(failRate));
    }

    @Override
    public boolean rollsBack() {
        return true;
    }
}
