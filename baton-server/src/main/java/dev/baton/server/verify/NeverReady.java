package dev.baton.server.verify;

import java.util.Map;

/**
 * A new version that never becomes ready ({@code SAMPLE_NEVER_READY}): the progress deadline rolls it back,
 * and since it never took traffic, no request may fail.
 */
public record NeverReady() implements Fault {

    @Override
    public FaultKind kind() {
        return FaultKind.NEVER_READY;
    }

    @Override
    public Map<String, String> versionEnv() {
        return Map.of("SAMPLE_NEVER_READY", "true");
    }

    @Override
    public boolean rollsBack() {
        return true;
    }
}
