package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code baton up} with a bad spec, run in process: it must refuse before anything starts, so no process is at stake. */
class InvalidSpecTest {
    @TempDir
    Path dir;

    @Test
    void upWithAnInvalidSpecNamesEveryBadFieldAndStartsNothing() throws Exception {
        Path spec = Files.writeString(dir.resolve("bad.yaml"), """
                app: Shop!
                version: "not a version"
                listn: 8080
                instances: 0
                run: "java -jar app.jar --port {port}"
                drain: { timeout: soon }
                strategy:
                  type: canary
                  steps: [ {weight: 150, pause: 30s}, {weight: 100} ]
                """);
        Path home = dir.resolve(".baton");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = BatonCommand.execute(new PrintWriter(out), new PrintWriter(err), "up", spec.toString(),
                "--home", home.toString());

        assertThat(code).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(err.toString())
                .contains("nothing was started")
                .contains("version: must be 1-64 letters")
                .contains("app: ")
                .contains("listn: unknown field")
                .contains("instances: must be 1..100")
                .contains("drain.timeout: must be a duration")
                .contains("strategy.steps[0].weight");
        assertThat(out.toString()).isEmpty();
        assertThat(home).doesNotExist();
    }

    @Test
    void yamlThatDoesNotParseIsReportedWithItsLine() throws Exception {
        Path spec = Files.writeString(dir.resolve("broken.yaml"), "app: shop\nrun: [unclosed\n");
        StringWriter err = new StringWriter();

        int code = BatonCommand.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "up",
                spec.toString(), "--home", dir.resolve(".baton").toString());

        assertThat(code).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("yaml: ").contains("line");
        assertThat(dir.resolve(".baton")).doesNotExist();
    }
}
