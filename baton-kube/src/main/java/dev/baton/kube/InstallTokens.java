package dev.baton.kube;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The two bearer tokens of an install, kept in one Secret: the REST API's and the one the control plane presents
 * to the proxies' admin API. Never printed by {@link #toString()}.
 */
public record InstallTokens(String api, String proxy) {
    public InstallTokens {
        if (api == null || api.length() < 16 || proxy == null || proxy.length() < 16) {
            throw new IllegalArgumentException("tokens: at least 16 characters each");
        }
    }

    /** Two fresh random tokens (256 bits each). */
    public static InstallTokens generate() {
        return new InstallTokens(random(), random());
    }

    private static String random() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "InstallTokens[redacted]";
    }
}
