package dev.baton.server;

import dev.baton.common.DatabaseConfig;
import dev.baton.rollout.AppSpec;
import dev.baton.common.Durations;
import java.util.Map;
import java.util.TreeMap;

/**
 * What every instance finds in its environment besides the spec's {@code env}: where the database is
 * ({@code BATON_DATABASE_URL}), its port ({@code BATON_PORT} and {@code PORT}, set by the driver), its version
 * ({@code BATON_VERSION}) and the drain deadlines ({@code BATON_DRAIN_TIMEOUT}, {@code BATON_JOBS_SOFT},
 * {@code BATON_JOBS_HARD}, as {@code 30s}-style durations, each measured from SIGTERM exactly as in the spec's
 * {@code drain} section). The values may hold a password: never log them.
 */
final class InstanceEnvironment {
    private InstanceEnvironment() {}

    /** The spec the driver runs: the user's spec with these variables added (the user's own env wins). */
    static AppSpec apply(AppSpec spec, DatabaseConfig db) {
        Map<String, String> env = new TreeMap<>();
        env.put("BATON_DATABASE_URL", databaseUrl(db));
        env.put("BATON_DRAIN_TIMEOUT", Durations.oneUnit(spec.drain().timeout()));
        env.put("BATON_JOBS_SOFT", Durations.oneUnit(spec.drain().jobsSoft()));
        env.put("BATON_JOBS_HARD", Durations.oneUnit(spec.drain().jobsHard()));
        env.putAll(spec.env());
        return spec.withEnv(env);
    }

    /** A URL {@link DatabaseConfig#parse} reads back, with the credentials in it. */
    static String databaseUrl(DatabaseConfig db) {
        return db.urlWithCredentials();
    }
}
