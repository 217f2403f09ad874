package com.example.counter.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.junit.jupiter.api.Test;

import com.example.counter.db.CountDBUnavailableException;
import com.example.counter.testsupport.ManualClock;

class CircuitBreakerWatchTest {

    private static final Duration DELAY = Duration.ofSeconds(5);
    private final ManualClock clock = new ManualClock();
    private final CircuitBreakerWatch breaker = new CircuitBreakerWatch(DELAY, clock);

    private void redisFailed() {
        breaker.failed(new CountDBUnavailableException("refused", null));
    }

    @Test
    void theBreakerOpensOnTwoOfFourFailures() {
        assertEquals(2, CircuitBreakerWatch.FAILURES_TO_OPEN, "read from RedisCountDB's @CircuitBreaker");
    }

    @Test
    void oneFailureCannotOpenTheBreaker() {
        redisFailed();
        assertEquals(Optional.empty(), breaker.openSince(), "a single failure leaves the pod ready");
    }

    @Test
    void twoFailuresWithinADelayMayHaveOpenedItUntilOneDelayLater() {
        redisFailed();
        clock.advance(Duration.ofSeconds(1));
        redisFailed();
        assertEquals(Optional.of(clock.instant()), breaker.openSince());

        clock.advance(Duration.ofSeconds(3).plusMillis(999));
        assertTrue(breaker.openSince().isPresent(), "still inside the delay since the first of the two");
        clock.advance(Duration.ofMillis(1));
        assertEquals(Optional.empty(), breaker.openSince(), "by now an open breaker lets a trial call through");
    }

    @Test
    void twoFailuresFurtherApartThanADelayDoNot() {
        redisFailed();
        clock.advance(DELAY);
        redisFailed();
        assertEquals(Optional.empty(), breaker.openSince());
    }

    @Test
    void aRefusalMeansOpenForADelay() {
        breaker.failed(new CircuitBreakerOpenException());
        assertEquals(Optional.of(clock.instant()), breaker.openSince());

        clock.advance(DELAY.minusMillis(1));
        assertTrue(breaker.openSince().isPresent());
        clock.advance(Duration.ofMillis(1));
        assertEquals(Optional.empty(), breaker.openSince(),
                "one delay after the last refusal the breaker tries again, so the pod must take traffic again");
    }
}
