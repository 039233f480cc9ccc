package dev.baton.server;

import dev.baton.common.DatabaseConfig;
import dev.baton.rollout.AppSpec;
import dev.baton.rollout.InstanceDriver;
import dev.baton.rollout.LocalProcessDriver;
import dev.baton.rollout.PortRange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Instances as local processes under {@code .baton}, with the database URL and drain deadlines in their env. */
final class LocalInstanceDrivers implements InstanceDrivers {
    private final LocalProcessDriver processes;
    private final DatabaseConfig db;
    private final Path logsDir;

    /** @param ports the ports instances may get ({@link PortRange#ANY} unless a firewall wants a range) */
    LocalInstanceDrivers(AppSpec spec, BatonHome home, DatabaseConfig db, Clock clock, PortRange ports) {
        this.db = db;
        this.logsDir = home.logsDir();
        this.processes = new LocalProcessDriver(InstanceEnvironment.apply(spec, db), home.dir(), clock);
        processes.usePorts(ports);
    }

    @Override
    public InstanceDriver forSpec(AppSpec spec) {
        return processes.withSpec(InstanceEnvironment.apply(spec, db));
    }

    @Override
    public void onCrash(InstanceDriver.CrashListener listener) {
        processes.onCrash(listener);
    }

    @Override
    public List<String> logs(String instanceId, int lines) {
        Path file = logsDir.resolve(instanceId + ".log");
        if (!Files.exists(file)) {
            throw ApiException.notFound("instance: no log for '" + instanceId + "'"); // the home's path stays private
        }
        try (var stream = Files.lines(file)) {
            List<String> all = stream.toList();
            return new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            throw new UncheckedIOException("cannot read " + file, e instanceof IOException io ? io : new IOException(e));
        }
    }

    @Override
    public void close() {
        // the processes run on; nothing is watched
    }
}
