package com.example.counter.inc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class IdempotencyKeyTest {

    @ParameterizedTest
    @ValueSource(strings = {"\"8e03978e-40d5-43e8-bc93-6894a57f9324\"", "8e03978e-40d5-43e8-bc93-6894a57f9324",
        " \"8e03978e-40d5-43e8-bc93-6894a57f9324\" "})
    void acceptsTheStructuredFieldStringAndTheBareForm(String header) {
        assertEquals(Optional.of(new IdempotencyKey("8e03978e-40d5-43e8-bc93-6894a57f9324")),
                IdempotencyKey.parse(header));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"\"\"", "two words", "quote\"inside", "back\\slash", "tab\tkey", "caf\u00e9", "\"unterminated"})
    void refusesWhatIsNotAKey(String header) {
        assertTrue(IdempotencyKey.parse(header).isEmpty(), () -> "should refuse " + header);
    }

    @ParameterizedTest
    @ValueSource(ints = {255, 256})
    void atMost255Characters(int length) {
        assertEquals(length <= 255, IdempotencyKey.parse("k".repeat(length)).isPresent());
    }
}
