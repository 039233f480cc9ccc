package dev.baton.server.verify;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;

/** The running system a verification deploys to, loads and breaks: a stage, or a fake in tests. */
public interface VerifyTarget extends FaultTarget {

    /** The proxy's public address, e.g. {@code http://127.0.0.1:8080}. */
    URI traffic();

    /** The queue's database (jobs are enqueued into it and checked in it). */
    DataSource dataSource();

    /**
     * Waits until no rollout is in progress (one whose outcome could not be followed may still be running),
     * so the next scenario's deploy is not refused; false when one is still running at the deadline.
     */
    boolean awaitNoRollout(Duration timeout) throws InterruptedException;

    /** Deploys {@code version} and waits for the rollout's end (riding out a control plane restart). */
    DeployOutcome deploy(String version, String strategy, Map<String, String> env, Duration timeout)
            throws InterruptedException;
}
