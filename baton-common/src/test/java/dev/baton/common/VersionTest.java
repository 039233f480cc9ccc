package dev.baton.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VersionTest {

    @Test
    void namesOfLettersDigitsDotsUnderscoresAndDashesUpTo64AreVersions() {
        for (String name : new String[] {"v2", "2024.06.1-rc_1", "V", "a".repeat(64)}) {
            assertThat(Version.isValid(name)).as(name).isTrue();
            assertThat(new Version(name).toString()).isEqualTo(name);
            assertThat(Version.check("version", name)).isEqualTo(name);
        }
    }

    @Test
    void anythingElseIsRefusedWithTheFieldTheRuleAndWhatWasGiven() {
        for (String name : new String[] {"", "v 1", "v/2", "v2\n", "ä", "a".repeat(65)}) {
            assertThat(Version.isValid(name)).as(name).isFalse();
            assertThatThrownBy(() -> Version.check("initialVersion", name))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("initialVersion: must be 1-64 letters, digits, '.', '_' or '-', got '" + name + "'");
        }
        assertThat(Version.problem("version", null)).isEqualTo("version: must be " + Version.RULE + ", got nothing");
        assertThatThrownBy(() -> new Version("v 1")).hasMessageStartingWith("version: must be 1-64 letters");
    }
}
