package dev.baton.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseConfigTest {

    @Test
    void libpqUrlBecomesJdbcWithCredentials() {
        DatabaseConfig c = DatabaseConfig.parse("postgres://baton:s3cr%40t@db.internal:6543/jobs?sslmode=require");
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/jobs?sslmode=require");
        assertThat(c.user()).isEqualTo("baton");
        assertThat(c.password()).isEqualTo("s3cr@t");
    }

    @Test
    void urlWithCredentialsCarriesUserAndPasswordAndParsesBackToTheSameServer() {
        DatabaseConfig c = new DatabaseConfig("jdbc:postgresql://h:5/db?ssl=true", "u", "p&w");
        String url = c.urlWithCredentials();
        assertThat(url).isEqualTo("jdbc:postgresql://h:5/db?ssl=true&user=u&password=p%26w");
        assertThat(DatabaseConfig.parse(url).jdbcUrl()).isEqualTo(url);
        assertThat(new DatabaseConfig("jdbc:postgresql://h/db", null, null).urlWithCredentials())
                .isEqualTo("jdbc:postgresql://h/db");
    }

    @Test
    void jdbcUrlIsTakenAsIs() {
        assertThat(DatabaseConfig.parse("jdbc:postgresql://localhost/x").jdbcUrl())
                .isEqualTo("jdbc:postgresql://localhost/x");
    }

    @Test
    void passwordNeverAppearsInToStringOrRedactedUrl() {
        DatabaseConfig a = DatabaseConfig.parse("postgres://u:hunter2@h/db");
        DatabaseConfig b = DatabaseConfig.parse("jdbc:postgresql://h/db?user=u&password=hunter2&ssl=true");
        assertThat(a.toString()).doesNotContain("hunter2");
        assertThat(b.toString()).doesNotContain("hunter2").contains("password=***");
        assertThat(b.redactedUrl()).contains("ssl=true");
    }

    @Test
    void unsupportedSchemeIsRejectedWithoutThePassword() {
        assertThatThrownBy(() -> DatabaseConfig.parse("mysql://u:hunter2@h/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("database url:")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> DatabaseConfig.parse(" "))
                .hasMessage("database url: must not be empty");
    }

    @Test
    void absentEnvironmentVariableMeansEmbedded() {
        assertThat(DatabaseConfig.fromEnvironment(Map.of())).isNull();
        assertThat(DatabaseConfig.fromEnvironment(Map.of(DatabaseConfig.URL_ENV, "postgres://h/db"))).isNotNull();
    }

    @Test
    void aBadPercentEscapeNeverPrintsThePasswordAnywhereInTheStackTrace() {
        for (String url : List.of("postgres://u:hunter2%zz@127.0.0.1:5432/db", "postgres://u:hunter2@127.0.0.1:5432/d%zzb",
                "postgres://u%zz:hunter2@127.0.0.1:5432/db")) {
            Throwable thrown = catchThrowable(() -> DatabaseConfig.parse(url));
            assertThat(thrown).as(url).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("database url:");
            assertThat(stackTrace(thrown)).as(url).doesNotContain("hunter2");
        }
    }

    private static String stackTrace(Throwable t) {
        java.io.StringWriter out = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
