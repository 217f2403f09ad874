package com.example.counter.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;

import org.junit.jupiter.api.Test;

class ScrapeTest {

    private static final String TEXT = """
            # HELP counter_increments_total Increment requests by outcome
            # TYPE counter_increments_total counter
            counter_increments_total{mp_scope="application",outcome="applied",} 3.0
            counter_increments_total{mp_scope="application",outcome="replayed",} 1.0
            jvm_uptime_seconds{mp_scope="base",} 58.175
            odd_label{path="a \\"quoted\\" b",} 2
            """;

    private final Scrape scrape = new Scrape(TEXT);

    @Test
    void sumsTheSamplesWhoseLabelsMatch() {
        assertEquals(3.0, scrape.sum("counter_increments_total", "outcome", "applied"));
        assertEquals(4.0, scrape.sum("counter_increments_total"));
        assertEquals(2.0, scrape.sum("odd_label", "path", "a \\\"quoted\\\" b"));
    }

    @Test
    void aMissingMetricIsAnErrorNotAZero() {
        assertThrows(AssertionError.class, () -> scrape.sum("counter_increments_total", "outcome", "lost"));
        assertThrows(AssertionError.class, () -> scrape.sum("no_such_metric"));
    }

    @Test
    void namesAreThoseWithSamples() {
        assertEquals(Set.of("counter_increments_total", "jvm_uptime_seconds", "odd_label"), scrape.names());
    }
}
