package dev.baton.server.verify;

import java.util.Map;

/**
 * A canary that answers a fraction of {@code GET /hello} with 500 ({@code SAMPLE_ERROR_RATE}). Analysis must
 * roll it back; its 500s before then are expected and listed as tolerated.
 *
 * @param errorRate the fraction answered 500, 0..1
 */
public record ErroringCanary(double errorRate) implements Fault {

    public ErroringCanary {
        if (!(errorRate > 0 && errorRate <= 1)) {
            throw new IllegalArgumentException("errorRate: must be within (0, 1], got " + errorRate);
        }
    }

    @Override
    public FaultKind kind() {
        return FaultKind.CANARY_ERRORS;
    }

    @Override
    public Map<String, String> versionEnv() {
        return Map.of("SAMPLE_ERROR_RATE", Double.toString(errorRate));
    }

    @Override
    public boolean rollsBack() {
        return true;
    }
}
