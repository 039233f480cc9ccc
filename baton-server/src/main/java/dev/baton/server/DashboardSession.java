package dev.baton.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;

/**
 * A signed-in dashboard browser: its cookie's id, what its login token allows, who it acts as (recorded with
 * every action), the CSRF token every action must carry, and when it expires.
 */
record DashboardSession(String id, Access access, String csrf, Instant expiresAt) {
    /** What a session may do: everything, or look only (every action answers 403). */
    enum Access {
        OPERATOR("the API token"),
        READ_ONLY("the read-only token");

        private final String token;

        Access(String token) {
            this.token = token;
        }

        /** The login token's name, as recorded with an action. */
        String token() {
            return token;
        }
    }

    /** Who acts, as the recorded events say: the login token's name and a short, non-secret session tag. */
    String who() {
        return access.token() + " (dashboard session " + Integer.toHexString(id.hashCode() & 0xffff) + ")";
    }

    /** Whether {@code presented} is this session's CSRF token (compared in constant time). */
    boolean csrfMatches(String presented) {
        return presented != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }
}
