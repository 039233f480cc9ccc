package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.baton.queue.DatabaseConfig;
import dev.baton.queue.TestDatabase;
import dev.baton.server.scenario.DataPlaneReaper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A real control plane on an external PostgreSQL (BATON_DATABASE_URL with a password), looked at from outside as
 * another local user would: what its files let others read, what its child processes were given, what its errors
 * tell.
 */
class HomeSecretsProcessTest {

    @Test
    void theHomeIsItsOwnersOnlyTheProxyGetsNoDatabaseCredentialsAndErrorsDoNotRevealTheHome() throws Exception {
        Path dir = Files.createTempDirectory("baton-secrets-test");
        BatonHome home = new BatonHome(dir.resolve(".baton"));
        DatabaseConfig db = TestDatabase.config();
        String app = ControlPlaneProcessTest.testApp(dir);
        Path spec = Files.writeString(dir.resolve("shop.yaml"), """
                app: shop
                version: v1
                listen: %d
                instances: 1
                run: "%s"
                drain: { timeout: 2s, jobs_soft: 1s, jobs_hard: 1s }
                """.formatted(ControlPlaneProcessTest.freePort(), app));
        ControlPlaneProcess cp = new ControlPlaneProcess(home, spec, ControlPlaneProcessTest.testClasspath(),
                Map.of(DatabaseConfig.URL_ENV, db.urlWithCredentials()));
        try {
            cp.start();
            cp.awaitApi(Duration.ofMinutes(2));
            await().atMost(Duration.ofMinutes(2)).until(() -> cp.client().status().path("instances").size() == 1
                    && Files.exists(home.proxyDir().resolve("proxy.json")));

            assertThat(openToOthers(home.dir())).as("files and directories others can read").isEmpty();

            long proxyPid = Json.MAPPER.readTree(home.proxyDir().resolve("proxy.json").toFile()).path("pid").asLong();
            String proxyEnvironment = Files.readString(Path.of("/proc/" + proxyPid + "/environ"));
            assertThat(proxyEnvironment).doesNotContain(DatabaseConfig.URL_ENV).doesNotContain(db.password());

            BatonClient.ApiError missing = catchThrowableOfType(BatonClient.ApiError.class,
                    () -> cp.client().text("/v1/instances/shop-v9-9/logs"));
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.getMessage()).contains("shop-v9-9").doesNotContain(dir.toString());
        } finally {
            cp.kill();
            DataPlaneReaper.reap(home, dir);
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** Every path under {@code root} whose mode gives group or others any access. */
    private static List<String> openToOthers(Path root) throws IOException {
        List<String> open = new ArrayList<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                try {
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                    if (perms.stream().anyMatch(x -> !x.name().startsWith("OWNER"))) {
                        open.add(root.relativize(p) + " " + PosixFilePermissions.toString(perms));
                    }
                } catch (NoSuchFileException gone) {
                    // a temporary file renamed meanwhile
                }
            }
        }
        return open;
    }
}
