package com.example.counter.db;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where a Redis server listens, parsed from a {@code redis://host:port[/db]} or {@code rediss://}
 * URI. The password is configured on its own (from a Secret), so a URI that carries one is
 * refused: it would end up in ConfigMaps and logs.
 */
public record RedisEndpoint(String host, int port, int database, boolean tls) {

    public static final int DEFAULT_PORT = 6379;

    public static RedisEndpoint parse(String property, String value) {
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw invalid(property, value, "not a URI");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw invalid(property, value, "the scheme must be redis:// or rediss://");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw invalid(property, value, "no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid(property, value, "put the password in counter.redis.password, not in the URI");
        }
        return new RedisEndpoint(uri.getHost(), uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort(),
                database(property, value, uri.getPath()), scheme.equals("rediss"));
    }

    private static int database(String property, String value, String path) {
        if (path == null || path.isEmpty() || path.equals("/")) {
            return 0;
        }
        try {
            int database = Integer.parseInt(path.substring(1));
            if (database < 0) {
                throw invalid(property, value, "the database number must not be negative");
            }
            return database;
        } catch (NumberFormatException e) {
            throw invalid(property, value, "the path must be a database number, like /0");
        }
    }

    // A URI with user info is not echoed: it may hold a password, and the message goes to the log.
    private static IllegalArgumentException invalid(String property, String value, String why) {
        return CountDBConfig.invalid(property, value.contains("@") ? "(a URI with user info)" : "'" + value + "'", why);
    }

    @Override
    public String toString() {
        return (tls ? "rediss://" : "redis://") + host + ":" + port + (database == 0 ? "" : "/" + database);
    }
}
