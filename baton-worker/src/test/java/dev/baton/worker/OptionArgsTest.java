package dev.baton.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class OptionArgsTest {

    private static final List<String> ALLOWED = List.of("port", "version");

    @Test
    void readsBothSpellingsOfAnOption() {
        assertThat(OptionArgs.parse(new String[] {"--port", "8080", "--version=v2"}, ALLOWED))
                .containsEntry("port", "8080").containsEntry("version", "v2").hasSize(2);
    }

    @Test
    void unknownOptionListsTheAllowedOnes() {
        assertThatThrownBy(() -> OptionArgs.parse(new String[] {"--prot", "1"}, ALLOWED))
                .hasMessage("unknown option --prot; allowed: --port, --version");
    }

    @Test
    void strayArgumentAndMissingValueAreNamed() {
        assertThatThrownBy(() -> OptionArgs.parse(new String[] {"8080"}, ALLOWED))
                .hasMessageStartingWith("unexpected argument '8080': options start with --");
        assertThatThrownBy(() -> OptionArgs.parse(new String[] {"--port"}, ALLOWED))
                .hasMessage("port: missing value");
    }
}
