package com.example.counter.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class CircuitBreakerStateTest {

    private final ManualClock clock = new ManualClock();
    private final CircuitBreakerState breaker = new CircuitBreakerState(5000, clock);

    @Test
    void closedWhileCallsPass() {
        breaker.callPassed();
        assertEquals(Optional.empty(), breaker.openSince());
    }

    @Test
    void oneFailureDoesNotOpenIt() {
        breaker.callFailed();
        assertEquals(Optional.empty(), breaker.openSince(), "the breaker needs 2 of 4 calls to fail");
    }

    @Test
    void twoFailuresInARowOpenIt() {
        breaker.callFailed();
        breaker.callFailed();
        assertEquals(Optional.of(clock.instant()), breaker.openSince());
    }

    @Test
    void aRefusedCallMeansOpen() {
        breaker.refusedAsOpen();
        assertTrue(breaker.openSince().isPresent());
    }

    @Test
    void itClosesWhenACallPasses() {
        breaker.refusedAsOpen();
        breaker.callPassed();
        assertEquals(Optional.empty(), breaker.openSince());
    }

    @Test
    void itExpiresOneDelayAfterTheLastTroubleSoAnUnreadyPodGetsItsTrialCall() {
        breaker.refusedAsOpen();
        clock.advance(Duration.ofMillis(5000));
        assertTrue(breaker.openSince().isPresent(), "still open at the end of the delay");
        clock.advance(Duration.ofMillis(1));
        assertEquals(Optional.empty(), breaker.openSince(), "half-open after the delay: ready for the trial call");
    }
}
