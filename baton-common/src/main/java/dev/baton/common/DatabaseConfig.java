package dev.baton.common;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * Where Baton's PostgreSQL is: a JDBC URL with its credentials.
 *
 * <p>Accepts both the JDBC form ({@code jdbc:postgresql://host:5432/db?user=u&password=p}) and the
 * libpq form most tools print ({@code postgres://u:p@host:5432/db}). The password never appears in
 * {@link #toString()} or {@link #redactedUrl()}, so a config can be logged safely.
 */
public record DatabaseConfig(String jdbcUrl, String user, String password) {

    /** The environment variable that points Baton at an external PostgreSQL. */
    public static final String URL_ENV = "BATON_DATABASE_URL";

    public DatabaseConfig {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(
                    "database url: expected jdbc:postgresql://… or postgres://…, got " + redact(jdbcUrl));
        }
    }

    /**
     * Parses a URL in JDBC or libpq form.
     *
     * @throws IllegalArgumentException naming the problem, without the password
     */
    public static DatabaseConfig parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("database url: must not be empty");
        }
        String trimmed = url.strip();
        if (trimmed.startsWith("jdbc:postgresql:")) {
            return new DatabaseConfig(trimmed, null, null);
        }
        if (trimmed.startsWith("postgres://") || trimmed.startsWith("postgresql://")) {
            URI uri;
            try {
                uri = URI.create(trimmed);
            } catch (IllegalArgumentException e) {
                // No cause: the parser's message quotes the input, password included.
                throw new IllegalArgumentException("database url: not a valid URL: " + redact(trimmed));
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("database url: no host in " + redact(trimmed));
            }
            String user = null;
            String password = null;
            if (uri.getRawUserInfo() != null) {
                String[] parts = uri.getRawUserInfo().split(":", 2);
                user = decode(parts[0], "user");
                password = parts.length > 1 ? decode(parts[1], "password") : null;
            }
            int port = uri.getPort() == -1 ? 5432 : uri.getPort();
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/postgres" : uri.getRawPath();
            String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
            return new DatabaseConfig("jdbc:postgresql://" + uri.getHost() + ":" + port + path + query, user, password);
        }
        throw new IllegalArgumentException(
                "database url: expected jdbc:postgresql://… or postgres://…, got " + redact(trimmed));
    }

    /** The configuration named by {@value #URL_ENV}, or {@code null} when it is not set. */
    public static DatabaseConfig fromEnvironment(Map<String, String> env) {
        String url = env.get(URL_ENV);
        return url == null || url.isBlank() ? null : parse(url);
    }

    /**
     * One JDBC URL that carries the user and password too: the form to hand to another process
     * (for example as {@value #URL_ENV}), which {@link #parse(String)} reads back unchanged.
     */
    public String urlWithCredentials() {
        StringBuilder url = new StringBuilder(jdbcUrl);
        char separator = jdbcUrl.contains("?") ? '&' : '?';
        if (user != null && !jdbcUrl.contains("user=")) {
            url.append(separator).append("user=").append(URLEncoder.encode(user, StandardCharsets.UTF_8));
            separator = '&';
        }
        if (password != null && !jdbcUrl.contains("password=")) {
            url.append(separator).append("password=").append(URLEncoder.encode(password, StandardCharsets.UTF_8));
        }
        return url.toString();
    }

    /** The URL with any password in it replaced by {@code ***}. */
    public String redactedUrl() {
        return redact(jdbcUrl);
    }

    @Override
    public String toString() {
        return "DatabaseConfig[" + redactedUrl() + (user == null ? "" : ", user=" + user) + "]";
    }

    /** {@code url} with any password in it (query parameter or user info) replaced by {@code ***}. */
    public static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("(//[^:/@]+:)[^@/]*@", "$1***@");
    }

    private static String decode(String s, String part) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // No cause: the decoder's message quotes the text it could not decode.
            throw new IllegalArgumentException("database url: the " + part + " has a bad %-escape (write % as %25)");
        }
    }
}
