#!/usr/bin/env bash
# The benchmark: both services as their containers run them (one Liberty server each, with the
# image's configuration from liberty/ and its environment variables), a Redis master and replica
# with the default durability (appendfsync always), and in the same run the baselines the figures
# are measured against: nginx serving a static file with one worker, and redis-benchmark INCR
# against the same master.
#
#   bench/run.sh            the full run: concurrency 1 to 512, a few minutes
#   bench/run.sh --smoke    a short run that proves the benchmark still works (CI)
#   BENCH_TRACING=on bench/run.sh   the same with tracing on (every request traced, exported over
#                           OTLP to the nginx, which takes and drops it): the price of tracing
#   BENCH_ACCESS_LOG=off bench/run.sh   the same without the containers' access log: its price
#   BENCH_MIN_REPLICAS=1 bench/run.sh   increments acknowledged only once the replica has them
#                           (WAIT 1, as prod and components/sentinel set): the price of that
#
#   BENCH_POD_MEMORY=1g bench/run.sh   the servers sized for another pod memory limit (the
#                           JVM's heap is a share of it, liberty/jvm.options)
#
# Prints a table (throughput, p50/p99/p99.9 latency, ratio to the baseline, the server's CPU time
# per request) and each server's resident memory under load and start-to-ready time; writes
# bench/target/results.tsv and a chart, bench/target/chart.svg. bench/compare.sh prices one change
# by running it side by side with the configuration as it is. Loopback only: every server listens
# on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=servers.sh
. bench/servers.sh

smoke=false
[ "${1:-}" = "--smoke" ] && smoke=true
# warmup_rounds: at most that many 5 s rounds of load per URL, until its throughput stops rising
# (two rounds in a row without a new best, by 3 % or more): Liberty's JIT needs 20 s to over a
# minute, longer while something else takes CPU, and a fixed warm-up measured half-compiled code.
# One slow round is not the end: a warm-up that stopped at the first dip measured a quarter of
# the warm throughput.
if $smoke; then
  concurrencies=(1 32)
  duration=2s
  warmup_rounds=1
  incr_requests=5000
else
  concurrencies=(1 8 32 128 512)
  duration=10s
  warmup_rounds=24
  incr_requests=200000
fi
# For a quicker look at some points: BENCH_CONCURRENCIES="32 512" BENCH_DURATION=5s bench/run.sh
read -r -a concurrencies <<< "${BENCH_CONCURRENCIES:-${concurrencies[*]}}"
duration=${BENCH_DURATION:-$duration}
warmup_rounds=${BENCH_WARMUP_ROUNDS:-$warmup_rounds}

web_port=17080
inc_port=17081
# Health and metrics are on each server's management port (liberty/server.xml).
web_management_port=17180
inc_management_port=17181

need_tools wrk:wrk nginx:nginx redis-server:redis-server redis-benchmark:redis-tools gnuplot:gnuplot-nox curl:curl
begin_run

echo "== Redis master and replica (appendfsync always, as deployed)"
start_redis

echo "== the services, one Liberty server each"
start_ms=()
for module in web web-inc; do
  port=$web_port management_port=$web_management_port
  [ $module = web-inc ] && port=$inc_port management_port=$inc_management_port
  t0=$(date +%s%3N)
  start_service "bench-$module" "$module" "$root/liberty" "$port" "$management_port"
  start_ms+=($(( $(date +%s%3N) - t0 )))
done

echo "== nginx, one worker, serving a static count"
mkdir -p "$out/nginx/html"
echo 3 > "$out/nginx/html/index.txt"
cat > "$out/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $out/nginx/nginx.pid;
error_log $out/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$nginx_port;
    root $out/nginx/html;
    location = / { default_type text/plain; try_files /index.txt =404; }
    # The services' traces with BENCH_TRACING=on: taken and dropped, as a collector would take them.
    location = /v1/traces { return 200; }
  }
}
EOF
nginx -c "$out/nginx/nginx.conf"

lua=$root/bench
echo "== warming up the JVMs (JIT) until throughput stops rising"
for url in "http://127.0.0.1:$web_port/ get.lua" "http://127.0.0.1:$inc_port/inc post.lua" \
           "http://127.0.0.1:$inc_port/inc post-key.lua"; do
  best=0 flat=0
  for round in $(seq 1 "$warmup_rounds"); do
    rps=$(wrk -t2 -c32 -d5s -s "$lua/${url#* }" "${url% *}" 2>/dev/null | awk '/^RESULT/ {print $2}')
    if [ $((rps * 100)) -ge $((best * 103)) ]; then best=$rps flat=0; else flat=$((flat + 1)); fi
    [ "$round" -gt 3 ] && [ "$flat" -ge 2 ] && break
  done
  echo "   ${url#* }: $round rounds of 5 s, best $best, last $rps requests/s"
done
max() { echo $(( $1 > $2 ? $1 : $2 )); }
printf 'case\tconcurrency\trequests_per_s\tp50_ms\tp99_ms\tp999_ms\terrors\tbaseline_per_s\tratio\tcpu_us\n' > "$out/results.tsv"
rss_web=0 rss_inc=0
pid_web=$(server_pid bench-web) pid_inc=$(server_pid bench-web-inc)
for c in "${concurrencies[@]}"; do
  echo "== concurrency $c"
  read -r nginx_rps _ <<< "$(measure "http://127.0.0.1:$nginx_port/" "$c" "$lua/get.lua")"
  # -q prints progress lines ending in CR before the result.
  redis_rps=$(redis-benchmark -p "$redis_master" -t incr -c "$c" -n "$incr_requests" -q \
    | tr '\r' '\n' | awk '/requests per second/ {printf "%.0f", $2}')
  for case in get inc inc-key; do
    case $case in
      get) url=http://127.0.0.1:$web_port/; script=get.lua; base=$nginx_rps pid=$pid_web ;;
      inc) url=http://127.0.0.1:$inc_port/inc; script=post.lua; base=$redis_rps pid=$pid_inc ;;
      inc-key) url=http://127.0.0.1:$inc_port/inc; script=post-key.lua; base=$redis_rps pid=$pid_inc ;;
    esac
    read -r rps p50 p99 p999 errors cpu_us <<< "$(measure_cpu "$pid" "$url" "$c" "$lua/$script")"
    ratio=$(awk -v a="$rps" -v b="$base" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$case" "$c" "$rps" "$p50" "$p99" "$p999" "$errors" "$base" "$ratio" "$cpu_us" \
      >> "$out/results.tsv"
  done
  # Resident memory under load: the largest seen right after a run.
  rss_web=$(max "$rss_web" "$(rss_kib bench-web)")
  rss_inc=$(max "$rss_inc" "$(rss_kib bench-web-inc)")
done

echo
column -t -s $'\t' "$out/results.tsv"
echo
echo "baselines: GET / against nginx (1 worker, static file); POST /inc against redis-benchmark INCR on the same master"
echo "cpu_us: the Liberty server's CPU time per request (user and system)"
printf 'resident memory under load: web %d MiB, web-inc %d MiB\n' $((rss_web / 1024)) $((rss_inc / 1024))
printf 'start to ready: web %d ms, web-inc %d ms\n' "${start_ms[0]}" "${start_ms[1]}"
awk -F'\t' -v hi="${concurrencies[${#concurrencies[@]}-1]}" '
  $2 == 32 {at32[$1] = $3} $2 == hi {athi[$1] = $3}
  END { if (hi > 32) for (c in at32) if (at32[c] > 0 && c in athi)
          printf "flat under load: %s at %d connections = %.2f x its throughput at 32\n", c, hi, athi[c] / at32[c] }
' "$out/results.tsv"
echo "the machine's CPU was ${busy_before}% busy before the run$([ "$busy_before" -gt 15 ] && echo ": other work was running, the figures are provisional")"
echo "settings: the containers' logging with the access log ${BENCH_ACCESS_LOG:-on}, tracing ${BENCH_TRACING:-off}, replicas an increment waits for ${BENCH_MIN_REPLICAS:-0}"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"

# One series per case (and per baseline), so that gnuplot joins each one's points.
awk -F'\t' -v dir="$out" 'NR > 1 {
  print $2 "\t" $3 "\t" $5 > (dir "/series-" $1 ".tsv")
  if ($1 == "get") print $2 "\t" $8 > (dir "/series-nginx.tsv")
  if ($1 == "inc") print $2 "\t" $8 > (dir "/series-redis-incr.tsv")
}' "$out/results.tsv"
gnuplot <<EOF
set terminal svg size 1000,420 dynamic background rgb 'white'
set output '$out/chart.svg'
set datafile separator '\t'
set key bottom right
set logscale x 2
set xlabel 'concurrent connections'
set multiplot layout 1,2 title 'counter: throughput and p99 latency against concurrency (dashed: baselines)'
set ylabel 'requests/s'
set logscale y
plot '$out/series-get.tsv' using 1:2 with linespoints title 'GET /', \
     '$out/series-inc.tsv' using 1:2 with linespoints title 'POST /inc', \
     '$out/series-inc-key.tsv' using 1:2 with linespoints title 'POST /inc, Idempotency-Key', \
     '$out/series-nginx.tsv' using 1:2 with lines dashtype 2 title 'nginx, static file', \
     '$out/series-redis-incr.tsv' using 1:2 with lines dashtype 2 title 'redis-benchmark INCR'
unset logscale y
set ylabel 'p99 latency (ms)'
set key top left
plot '$out/series-get.tsv' using 1:3 with linespoints title 'GET /', \
     '$out/series-inc.tsv' using 1:3 with linespoints title 'POST /inc', \
     '$out/series-inc-key.tsv' using 1:3 with linespoints title 'POST /inc, Idempotency-Key'
unset multiplot
EOF
echo "chart: $out/chart.svg"
