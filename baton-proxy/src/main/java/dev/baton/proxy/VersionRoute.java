package dev.baton.proxy;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One version of the service in a {@link RouteTable}: its name, its traffic weight (0–100) and the
 * addresses ({@code host:port}) of its backends.
 */
public record VersionRoute(String name, int weight, List<String> backends) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public VersionRoute {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "name: must be 1-64 characters of letters, digits, '.', '_' or '-', was " + quoted(name));
        }
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

    private static String quoted(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
