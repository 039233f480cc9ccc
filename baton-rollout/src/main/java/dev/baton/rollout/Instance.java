package dev.baton.rollout;

import java.time.Instant;

/**
 * A driver's handle on one running instance: enough to route to it and, after a controller restart, to
 * adopt it again.
 *
 * @param id unique and stable, e.g. {@code shop-v2-3}
 * @param pid the OS process (group) id for local processes, -1 where there is none
 * @param startedAt when the driver started it
 */
public record Instance(String id, String version, String host, int port, long pid, Instant startedAt) {
    public Instance {
        if (id == null || id.isBlank() || version == null || version.isBlank()) {
            throw new IllegalArgumentException("instance: id and version must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("instance.port: must be 1..65535, got " + port);
        }
    }
}
