package com.example.counter.failover;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How long writes failed after a fault, from the clients' attempts: from the first failed write
 * (its start, not before the fault) to the first write that succeeded although it was sent after
 * a failure had been seen. Empty if no write failed.
 */
record Outage(Duration failing, Duration sinceFault) {

    static Optional<Outage> after(long faultNanos, List<IncrementLoad.Attempt> attempts) {
        List<IncrementLoad.Attempt> failed = attempts.stream().filter(a -> !a.ok() && a.end() >= faultNanos).toList();
        if (failed.isEmpty()) {
            return Optional.empty();
        }
        long firstFailureStart = Math.max(faultNanos, failed.stream().mapToLong(IncrementLoad.Attempt::start).min().getAsLong());
        long firstFailureSeen = failed.stream().mapToLong(IncrementLoad.Attempt::end).min().getAsLong();
        long recovered = attempts.stream().filter(a -> a.ok() && a.start() >= firstFailureSeen)
                .mapToLong(IncrementLoad.Attempt::end).min()
                .orElseThrow(() -> new AssertionError("no write succeeded after the first failure"));
        return Optional.of(new Outage(Duration.ofNanos(recovered - firstFailureStart), Duration.ofNanos(recovered - faultNanos)));
    }

    /** For the report: the two durations against the target. */
    String against(Duration target) {
        return String.format("failover %.1f s (first failed write to first successful one; %.1f s after the fault), target %.1f s: %s",
                seconds(failing), seconds(sinceFault), seconds(target), failing.compareTo(target) <= 0 ? "met" : "MISSED");
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
