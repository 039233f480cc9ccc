package dev.baton.rollout;

/**
 * The HTTP side of an instance: the readiness path (an instance gets traffic only once it answers 2xx)
 * and an optional liveness path.
 */
public record WebSpec(String readiness, String liveness) {
    public static final String DEFAULT_READINESS = "/health/ready";

    public WebSpec {
        if (readiness == null || !readiness.startsWith("/")) {
            throw new IllegalArgumentException("web.readiness: must be a path starting with /, got " + readiness);
        }
        if (liveness != null && !liveness.startsWith("/")) {
            throw new IllegalArgumentException("web.liveness: must be a path starting with /, got " + liveness);
        }
    }

    public static WebSpec defaults() {
        return new WebSpec(DEFAULT_READINESS, null);
    }
}
