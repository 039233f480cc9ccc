package dev.baton.proof;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A span of time during which a deploy ran, on the {@link System#nanoTime()} timeline the loads use.
 * Requests and jobs whose intended time falls inside count as "during deploys".
 *
 * @param label what was deployed, e.g. {@code "canary v3"}
 * @param startNanos when it began
 * @param endNanos when it ended ({@code >= startNanos})
 */
public record DeployWindow(String label, long startNanos, long endNanos) {

    public DeployWindow {
        Objects.requireNonNull(label, "label");
        if (endNanos < startNanos) {
            throw new IllegalArgumentException("endNanos: must not be before startNanos");
        }
    }

    public boolean contains(long nanos) {
        return nanos >= startNanos && nanos <= endNanos;
    }

    public Duration duration() {
        return Duration.ofNanos(endNanos - startNanos);
    }

    /** Opens a window now; {@link Open#end()} closes it. */
    public static Open begin(String label) {
        return new Open(label, System.nanoTime(), w -> { });
    }

    /** A window that has begun and not ended yet. */
    public static final class Open {

        private final String label;
        private final long startNanos;
        private final Consumer<DeployWindow> onEnd;
        private DeployWindow ended;

        Open(String label, long startNanos, Consumer<DeployWindow> onEnd) {
            this.label = Objects.requireNonNull(label, "label");
            this.startNanos = startNanos;
            this.onEnd = onEnd;
        }

        public String label() {
            return label;
        }

        /** Ends the window now; a second call returns the same window. */
        public synchronized DeployWindow end() {
            if (ended == null) {
                ended = new DeployWindow(label, startNanos, System.nanoTime());
                onEnd.accept(ended);
            }
            return ended;
        }

        synchronized boolean isEnded() {
            return ended != null;
        }
    }
}
