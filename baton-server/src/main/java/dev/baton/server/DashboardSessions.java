package dev.baton.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's logins, in the control plane's memory (a restarted control plane signs everyone out): a login
 * with the API token or the read-only token opens a session; a one-time login link opens an operator session
 * once, within {@link #LINK_TTL}. Sessions expire {@link #TTL} after login. Ids, CSRF tokens and links are 256
 * random bits; tokens are compared in constant time.
 */
final class DashboardSessions {
    static final Duration TTL = Duration.ofHours(12);
    static final Duration LINK_TTL = Duration.ofMinutes(10);

    private final byte[] apiToken;
    private final byte[] readOnlyToken;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, DashboardSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, Instant> links = new ConcurrentHashMap<>();

    DashboardSessions(String apiToken, String readOnlyToken, Clock clock) {
        if (apiToken.equals(readOnlyToken)) {
            throw new IllegalArgumentException("the read-only token must differ from the API token");
        }
        this.apiToken = apiToken.getBytes(StandardCharsets.UTF_8);
        this.readOnlyToken = readOnlyToken.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
    }

    /** A new session for the login token presented, or empty when it is neither token. */
    Optional<DashboardSession> login(String token) {
        if (token == null) {
            return Optional.empty();
        }
        byte[] given = token.strip().getBytes(StandardCharsets.UTF_8);
        if (MessageDigest.isEqual(apiToken, given)) {
            return Optional.of(open(DashboardSession.Access.OPERATOR));
        }
        if (MessageDigest.isEqual(readOnlyToken, given)) {
            return Optional.of(open(DashboardSession.Access.READ_ONLY));
        }
        return Optional.empty();
    }

    /** A one-time login link's secret, good for one operator login within {@link #LINK_TTL}. */
    String newLink() {
        Instant now = clock.instant();
        links.values().removeIf(expiry -> !expiry.isAfter(now));
        String secret = secret();
        links.put(secret, now.plus(LINK_TTL));
        return secret;
    }

    /** An operator session for a link's secret, once; empty when unknown, used or expired. */
    Optional<DashboardSession> redeem(String secret) {
        Instant expiry = secret == null ? null : links.remove(secret);
        if (expiry == null || !expiry.isAfter(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(open(DashboardSession.Access.OPERATOR));
    }

    /** The live session with this cookie id, or empty (unknown, signed out or expired). */
    Optional<DashboardSession> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        DashboardSession s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        if (!s.expiresAt().isAfter(clock.instant())) {
            sessions.remove(id, s);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    void logout(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    private DashboardSession open(DashboardSession.Access access) {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> !s.expiresAt().isAfter(now));
        DashboardSession s = new DashboardSession(secret(), access, secret(), now.plus(TTL));
        sessions.put(s.id(), s);
        return s;
    }

    private String secret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
