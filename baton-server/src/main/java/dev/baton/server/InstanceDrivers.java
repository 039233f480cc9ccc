package dev.baton.server;

import dev.baton.rollout.AppSpec;
import dev.baton.rollout.InstanceDriver;
import java.util.List;

/**
 * Where the control plane's instances run: local processes or Pods. One family per control plane: every driver it
 * hands out ({@link #forSpec}) shares one crash feed, so a crash reaches the supervisor and the running engine, and a
 * stop through any of them is never taken for a crash.
 */
interface InstanceDrivers extends AutoCloseable {
    /** A driver that starts instances of {@code spec} (the user's spec; the family adds what every instance gets). */
    InstanceDriver forSpec(AppSpec spec);

    /** Every crash of an instance started or adopted through any driver of this family. */
    void onCrash(InstanceDriver.CrashListener listener);

    /** The last {@code lines} lines of an instance's output. */
    List<String> logs(String instanceId, int lines);

    /** Stops watching (the instances keep running). */
    @Override
    void close();
}
