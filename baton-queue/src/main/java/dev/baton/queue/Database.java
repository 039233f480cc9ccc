package dev.baton.queue;

import dev.baton.common.DatabaseConfig;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** Opens connection pools to Baton's PostgreSQL with errors that say what failed and why. */
public final class Database {

    private Database() {}

    /**
     * Opens a pool and checks that the server answers.
     *
     * @throws DatabaseUnavailableException naming the URL (without its password) and the cause
     */
    public static HikariDataSource open(DatabaseConfig config, int maxPoolSize, String poolName) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.jdbcUrl());
        if (config.user() != null) {
            hikari.setUsername(config.user());
        }
        if (config.password() != null) {
            hikari.setPassword(config.password());
        }
        hikari.setMaximumPoolSize(maxPoolSize);
        hikari.setMinimumIdle(Math.min(2, maxPoolSize));
        hikari.setPoolName(poolName);
        hikari.setConnectionTimeout(10_000);
        // Try one connection inside open(), not at the first query, so the caller gets one clear
        // message at once instead of a pool that retries silently.
        hikari.setInitializationFailTimeout(1);
        try {
            return new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw new DatabaseUnavailableException(config, e);
        }
    }
}
