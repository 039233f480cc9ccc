package dev.baton.server;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;

/** A process test on a {@link LiveHome} (set {@link #live} in the test): everything started under it is gone after each test. */
@Tag("process")
abstract class LiveHomeTest {
    /** How long a control plane, or a first deploy, may take to come up on a busy machine. */
    static final Duration START = Duration.ofMinutes(2);

    LiveHome live;

    @AfterEach
    void reapLiveHome() throws Exception {
        if (live != null) {
            live.close();
        }
    }
}
