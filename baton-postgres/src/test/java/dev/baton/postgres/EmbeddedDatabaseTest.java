package dev.baton.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseTest {

    @TempDir
    Path dir;

    @Test
    void durableServerHasFsyncAndSynchronousCommitOn() throws SQLException {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("pg"), 0, EmbeddedDatabase.Durability.DURABLE);
                Connection c = connect(db)) {
            assertThat(setting(c, "fsync")).isEqualTo("on");
            assertThat(setting(c, "synchronous_commit")).isEqualTo("on");
            assertThat(setting(c, "full_page_writes")).isEqualTo("on");
        }
    }

    @Test
    void dataSurvivesARestartOnTheSameDirectory() throws SQLException {
        Path data = dir.resolve("pg");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0, EmbeddedDatabase.Durability.DURABLE);
                Connection c = connect(db);
                Statement s = c.createStatement()) {
            s.execute("create table kept (v text)");
            s.execute("insert into kept values ('still here')");
        }
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0, EmbeddedDatabase.Durability.DURABLE);
                Connection c = connect(db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select v from kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("still here");
        }
    }

    @Test
    void aServerLeftRunningByAKilledOwnerIsAdoptedNotStartedTwice() throws SQLException {
        Path data = dir.resolve("pg");
        // The first owner "dies" without closing: the server must keep running for the workers.
        EmbeddedDatabase first = EmbeddedDatabase.start(data, 0, EmbeddedDatabase.Durability.DURABLE);
        try (Connection c = connect(first); Statement s = c.createStatement()) {
            s.execute("create table marker (v int)");
        }
        EmbeddedDatabase second = EmbeddedDatabase.startOrAdopt(data, 0, EmbeddedDatabase.Durability.DURABLE);
        assertThat(second.adopted()).isTrue();
        assertThat(second.port()).isEqualTo(first.port());
        try (Connection c = connect(second); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from marker")) {
            assertThat(rs.next()).isTrue();
        }

        second.close(); // the adopter can stop it, e.g. for `baton down`
        assertThat(EmbeddedDatabase.running(data)).isEmpty();
        assertThatThrownBy(() -> connect(first)).isInstanceOf(SQLException.class);
        first.close(); // releases the data directory's file lock, as the first owner's death would

        try (EmbeddedDatabase third = EmbeddedDatabase.startOrAdopt(data, 0, EmbeddedDatabase.Durability.DURABLE)) {
            assertThat(third.adopted()).as("nothing runs any more, so it starts its own").isFalse();
        }
    }

    @Test
    void theServerAsksEveryClientForAPasswordThatOnlyItsOwnerCanRead() throws Exception {
        Path data = dir.resolve("pg");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0, EmbeddedDatabase.Durability.FAST)) {
            String url = db.config().jdbcUrl();
            assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", null))
                    .as("psql -U postgres without a password").isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "wrong"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
            Path passwordFile = data.resolveSibling("pg.password");
            assertThat(Files.getPosixFilePermissions(passwordFile)).containsExactlyInAnyOrder(
                    PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            assertThat(db.config().password()).isEqualTo(Files.readString(passwordFile).strip()).hasSizeGreaterThan(30);
            try (Connection c = connect(db); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE auth_method <> 'scram-sha-256'), "
                         + "count(*) FILTER (WHERE type = 'host' AND address NOT IN ('127.0.0.1', '::1')) "
                         + "FROM pg_hba_file_rules")) {
                rs.next();
                assertThat(rs.getInt(1)).as("rules that do not ask for the password").isZero();
                assertThat(rs.getInt(2)).as("rules for addresses other than loopback").isZero();
                assertThat(setting(c, "listen_addresses")).isEqualTo("127.0.0.1");
            }
        }
        try (EmbeddedDatabase again = EmbeddedDatabase.start(data, 0, EmbeddedDatabase.Durability.FAST);
             Connection c = connect(again)) {
            assertThat(c.isValid(5)).as("restarted with the stored password").isTrue();
        }
    }

    @Test
    void aClusterCreatedWithoutAPasswordIsGivenOneWhenItStarts() throws Exception {
        Path data = dir.resolve("pg");
        Files.createDirectories(data);
        // What an older Baton left: a cluster created by the library with trust authentication.
        EmbeddedPostgres.builder().setDataDirectory(data.toFile()).setCleanDataDirectory(false).start().close();

        try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0, EmbeddedDatabase.Durability.FAST)) {
            assertThat(db.config().password()).isNotNull();
            assertThatThrownBy(() -> DriverManager.getConnection(db.config().jdbcUrl(), "postgres", null))
                    .isInstanceOf(SQLException.class);
            try (Connection c = connect(db)) {
                assertThat(c.isValid(5)).isTrue();
            }
        }
    }

    private static Connection connect(EmbeddedDatabase db) throws SQLException {
        return DriverManager.getConnection(db.config().jdbcUrl(), db.config().user(), db.config().password());
    }

    private static String setting(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("show " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
