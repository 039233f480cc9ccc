package dev.baton.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.baton.common.DatabaseConfig;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatabaseTest {

    @Test
    void unreachableDatabaseNamesTheUrlAndTheCauseButNotThePassword() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        DatabaseConfig config = DatabaseConfig.parse("postgres://u:hunter2@127.0.0.1:" + closedPort + "/db");
        assertThatThrownBy(() -> Database.open(config, 1, "unreachable"))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("jdbc:postgresql://127.0.0.1:" + closedPort + "/db")
                .hasMessageContaining("refused")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aConnectionFailureNeverPrintsThePasswordAnywhereInTheStackTrace() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        for (String url : List.of("jdbc:postgresql://127.0.0.1:" + closedPort + "/db?user=u&password=hunter2%zz",
                "jdbc:postgresql://127.0.0.1:" + closedPort + "/db?user=u&password=hunter2",
                "postgres://u:hunter2@127.0.0.1:" + closedPort + "/db")) {
            Throwable thrown = catchThrowable(() -> Database.open(DatabaseConfig.parse(url), 1, "redaction"));
            assertThat(thrown).as(url).isInstanceOf(DatabaseUnavailableException.class);
            assertThat(stackTrace(thrown)).as(url).doesNotContain("hunter2");
        }
    }

    private static String stackTrace(Throwable t) {
        java.io.StringWriter out = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
