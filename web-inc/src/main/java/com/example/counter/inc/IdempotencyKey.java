package com.example.counter.inc;

import java.util.Optional;

/**
 * A client's {@code Idempotency-Key} (IETF httpapi draft): a Structured Field string, so
 * {@code "8e03978e-40d5-43e8-bc93-6894a57f9324"} with its quotes; the bare form is accepted too.
 * 1 to 255 visible ASCII characters, no quote or backslash, so it is safe in a Redis key and a log.
 */
public record IdempotencyKey(String value) {

    public static final int MAX_LENGTH = 255;

    public IdempotencyKey {
        if (!valid(value)) {
            throw new IllegalArgumentException("not a valid idempotency key");
        }
    }

    /** The key in a header value, or empty if the value is not a valid key. */
    public static Optional<IdempotencyKey> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String value = header.trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        return valid(value) ? Optional.of(new IdempotencyKey(value)) : Optional.empty();
    }

    private static boolean valid(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        return value.chars().allMatch(c -> c >= 0x21 && c <= 0x7e && c != '"' && c != '\\');
    }
}
