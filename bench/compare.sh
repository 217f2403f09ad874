#!/usr/bin/env bash
# What one change buys, measured side by side: server A runs liberty/ and the WAR as they are,
# server B a variant (a copy of liberty/ with the change in server.xml or jvm.options, or with
# apps/MODULE.war, a build of a code change, and/or NAME=value variables on top of the pod's), both
# for the same service, both started as bench/run.sh starts them and up at the same time. After
# both are warm, A and B take turns under the same load (10 s rounds at 32 connections), so that
# what drifts during the run (the machine, the JIT, Redis's file) drifts for both; the figures are
# each side's mean: requests/s, p99, and Liberty's CPU time per request, the figure that says what
# the change costs or saves. Runs of bench/run.sh differ by 5-10 % from one to the next; these
# rounds by about 1 %. Each round is also in bench/target/compare.tsv (bench/target starts empty,
# as with bench/run.sh).
#
#   bench/compare.sh CASE VARIANT [NAME=value...]
#     CASE     get (GET /, web), inc (POST /inc, web-inc) or inc-key (with an Idempotency-Key)
#     VARIANT  the variant's configuration directory (liberty/ itself compares A with its twin)
#   bench/compare.sh --smoke get liberty    a short run that proves the script still works (CI)
#
# Examples: the access log's price: bench/compare.sh get liberty ACCESS_LOGGING_ENABLED=false;
# a JVM option: cp -r liberty /tmp/v && echo -XX:TieredStopAtLevel=1 >> /tmp/v/jvm.options &&
# bench/compare.sh get /tmp/v; a code change: build it, copy web/target/web.war to /tmp/v/apps/,
# go back to the code as it was (A is built from the working tree), bench/compare.sh get /tmp/v.
# BENCH_ROUNDS and BENCH_CONNECTIONS change the rounds (6) and the connections (32). Run it on an
# otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=servers.sh
. bench/servers.sh

smoke=false
[ "${1:-}" = "--smoke" ] && { smoke=true; shift; }
if [ $# -lt 2 ] || [ ! -f "$2/server.xml" ]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
fi
case_name=$1 variant=$(cd "$2" && pwd)
shift 2
case $case_name in
  get) module=web path=/ lua=bench/get.lua ;;
  inc) module=web-inc path=/inc lua=bench/post.lua ;;
  inc-key) module=web-inc path=/inc lua=bench/post-key.lua ;;
  *) echo "unknown case '$case_name': get, inc or inc-key" >&2; exit 2 ;;
esac
if $smoke; then rounds=1 duration=2s warmup_rounds=1; else rounds=${BENCH_ROUNDS:-6} duration=10s warmup_rounds=12; fi
connections=${BENCH_CONNECTIONS:-32}

need_tools wrk:wrk redis-server:redis-server redis-cli:redis-tools curl:curl
begin_run
echo "== Redis master and replica, and the two servers: A ($root/liberty), B ($variant${*:+ with $*})"
start_redis
start_service compare-a "$module" "$root/liberty" 17080 17180
start_service compare-b "$module" "$variant" 17082 17182 "$@"
pid_a=$(server_pid compare-a) pid_b=$(server_pid compare-b)

echo "== warming up both in turns until neither gets faster"
best_a=0 best_b=0 flat=0
for round in $(seq 1 "$warmup_rounds"); do
  read -r rps_a _ <<< "$(measure "http://127.0.0.1:17080$path" "$connections" "$lua" 5s)"
  read -r rps_b _ <<< "$(measure "http://127.0.0.1:17082$path" "$connections" "$lua" 5s)"
  if [ $((rps_a * 100)) -ge $((best_a * 103)) ] || [ $((rps_b * 100)) -ge $((best_b * 103)) ]; then
    flat=0
  else
    flat=$((flat + 1))
  fi
  best_a=$(( rps_a > best_a ? rps_a : best_a )) best_b=$(( rps_b > best_b ? rps_b : best_b ))
  [ "$round" -gt 3 ] && [ "$flat" -ge 2 ] && break
done
echo "   $round rounds of 5 s each"

echo "== $rounds rounds of $duration each, $connections connections, $case_name"
printf 'round\tside\trequests_per_s\tp99_ms\terrors\tcpu_us_per_request\n' > "$out/compare.tsv"
for round in $(seq 1 "$rounds"); do
  for side in a b; do
    pid=$pid_a port=17080
    [ $side = b ] && pid=$pid_b port=17082
    read -r rps _ p99 _ errors cpu_us <<< "$(measure_cpu "$pid" "http://127.0.0.1:$port$path" "$connections" "$lua")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$side" "$rps" "$p99" "$errors" "$cpu_us" | tee -a "$out/compare.tsv"
  done
done
echo
awk -F'\t' 'NR > 1 { n[$2]++; rps[$2] += $3; p99[$2] += $4; err[$2] += $5; cpu[$2] += $6 }
  END {
    for (s in n) m[s] = sprintf("%.0f requests/s, p99 %.2f ms, %.1f us of CPU per request, %d errors",
                                rps[s] / n[s], p99[s] / n[s], cpu[s] / n[s], err[s])
    print "A: " m["a"]; print "B: " m["b"]
    if (rps["a"] > 0 && cpu["a"] > 0)
      printf "B against A: %+.1f %% requests/s, %+.1f %% CPU per request\n",
             100 * (rps["b"] / rps["a"] - 1), 100 * (cpu["b"] / cpu["a"] - 1)
  }' "$out/compare.tsv"
printf 'resident memory after the rounds: A %d MiB, B %d MiB\n' $(( $(rss_kib compare-a) / 1024 )) $(( $(rss_kib compare-b) / 1024 ))
echo "the machine's CPU was ${busy_before}% busy before the run$([ "$busy_before" -gt 15 ] && echo ": other work was running, the figures are provisional")"
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1)"
