package dev.baton.proxy;

import dev.baton.common.Version;
import java.util.List;

/**
 * One version of the service in a {@link RouteTable}: its name, its traffic weight (0–100) and the
 * addresses ({@code host:port}) of its backends.
 */
public record VersionRoute(String name, int weight, List<String> backends) {

    public VersionRoute {
        Version.check("name", name);
        if (weight < 0 || weight > 100) {
            throw new IllegalArgumentException("weight: must be between 0 and 100, was " + weight);
        }
        if (backends == null) {
            throw new IllegalArgumentException("backends: required (a list of \"host:port\")");
        }
        for (int i = 0; i < backends.size(); i++) {
            try {
                BackendAddress.parse(backends.get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("backends[" + i + "]: " + e.getMessage(), e);
            }
        }
        backends = List.copyOf(backends);
    }

    /** The same version with another weight. */
    public VersionRoute withWeight(int newWeight) {
        return new VersionRoute(name, newWeight, backends);
    }
}
