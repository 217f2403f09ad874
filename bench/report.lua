-- Shared by the benchmark's wrk scripts: one line of figures (requests/s, p50, p99 and p99.9 in ms,
-- errors, requests), parsed by bench/servers.sh.
function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.0f %.2f %.2f %.2f %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    errors, summary.requests))
end
