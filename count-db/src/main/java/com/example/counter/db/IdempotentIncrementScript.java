package com.example.counter.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The Lua script behind {@link ICountDB#increment(IdempotencyKey)}, and its SHA-1 for EVALSHA. */
final class IdempotentIncrementScript {

    static final String SOURCE = load();
    static final String SHA1 = sha1(SOURCE);

    private IdempotentIncrementScript() {
    }

    private static String load() {
        try (InputStream in = IdempotentIncrementScript.class.getResourceAsStream("idempotent-increment.lua")) {
            if (in == null) {
                throw new IllegalStateException("idempotent-increment.lua is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }
}
