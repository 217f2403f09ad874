#!/usr/bin/env bash
# What the benchmark's scripts share, sourced by bench/run.sh and bench/compare.sh: the tools they
# need, and the servers they measure, started as the containers run them (one Liberty server per
# service with the image's configuration and its environment variables, a Redis master and replica
# with appendfsync always). Loopback only: every server listens on 127.0.0.1.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$root/bench/target
wlp=$root/web/target/liberty/wlp
redis_master=17379
redis_replica=17380
nginx_port=17090
# The pods' memory limit (kustomize/base/liberty-pod), which the JVM sizes itself by in a container.
pod_memory=${BENCH_POD_MEMORY:-$(awk '/limits:/ {limits = 1} limits && /memory:/ {print $2; exit}' \
  "$root/kustomize/base/liberty-pod/liberty-pod.yaml" | sed 's/Mi$/m/; s/Gi$/g/')}

# Tools from Debian's packages: installed when missing and we are root, else named.
need_tools() { # need_tools COMMAND:PACKAGE...
  local missing=() tool
  for tool in "$@"; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return
  if [ "$(id -u)" != 0 ]; then
    echo "missing: ${missing[*]} (Debian/Ubuntu: apt-get install ${missing[*]})" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

build() {
  (cd "$root" && ./mvnw -B -q -ntp -DskipTests package -pl web,web-inc -am \
     && ./mvnw -B -q -ntp -pl web liberty:install-server)
}

# The start of a run: its servers stopped however it ends, how busy the machine was before it
# (busy_before), an empty bench/target, and the WARs and the Liberty runtime built.
begin_run() {
  trap stop_servers EXIT
  # shellcheck disable=SC2034 # read by the scripts that source this one
  busy_before=$(busy_percent)
  rm -rf "$out"
  mkdir -p "$out"
  echo "== building the WARs and the Liberty runtime"
  build
}

await() { # await URL SECONDS: until it answers 2xx
  local deadline=$((SECONDS + $2))
  until curl -fs -o /dev/null "$1"; do
    [ $SECONDS -lt $deadline ] || { echo "$1 did not answer within $2 s" >&2; return 1; }
    sleep 0.1
  done
}

start_redis() {
  local role port args
  for role in master replica; do
    port=$redis_master; [ $role = replica ] && port=$redis_replica
    mkdir -p "$out/redis-$role"
    args=(--port "$port" --bind 127.0.0.1 --dir "$out/redis-$role" --appendonly yes --appendfsync always
          --save "" --daemonize yes --logfile "$out/redis-$role/redis.log")
    [ $role = replica ] && args+=(--replicaof 127.0.0.1 "$redis_master")
    redis-server "${args[@]}"
  done
  until redis-cli -p "$redis_replica" info replication | grep -q 'master_link_status:up'; do sleep 0.1; done
  redis-cli -p "$redis_master" set count 0 >/dev/null
}

# Starts one service's Liberty server and waits until it is ready; with NAME=value arguments, the
# server gets those variables on top of the pod's. The server's configuration is a copy of CONFIG
# (liberty/, or a variant of it), as the image copies liberty/ to /config, and it runs the module's
# WAR as built, unless CONFIG holds one of its own (apps/MODULE.war: a build of a code change).
start_service() { # start_service SERVER MODULE CONFIG PORT MANAGEMENT_PORT [NAME=value...]
  local server=$1 module=$2 config=$3 port=$4 management_port=$5
  shift 5
  local dir=$out/usr/servers/$server
  rm -rf "$dir"
  mkdir -p "$dir/apps" "$dir/configDropins/defaults"
  cp -r "$config/." "$dir/"
  [ -f "$dir/apps/$module.war" ] || cp "$root/$module/target/$module.war" "$dir/apps/"
  # What the image declares: the WAR it runs (server.xml names none).
  printf '<server><webApplication location="%s.war"/></server>\n' "$module" > "$dir/configDropins/defaults/app.xml"
  echo "-XX:MaxRAM=$pod_memory" >> "$dir/jvm.options"
  # The environment a pod gets from its ConfigMaps (see kustomize/base): the Redis URIs, and the
  # containers' logging (JSON console, access log on), whose cost is part of every request.
  local tracing=(OTEL_SDK_DISABLED=true)
  if [ "${BENCH_TRACING:-off}" = on ]; then
    tracing=(OTEL_SDK_DISABLED=false OTEL_SERVICE_NAME="$module" OTEL_TRACES_EXPORTER=otlp
             OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$nginx_port" OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
             OTEL_METRICS_EXPORTER=none OTEL_LOGS_EXPORTER=none)
  fi
  # An env file of NAME=value lines, not a script to follow.
  # shellcheck disable=SC1091
  (set -a; . "$root/kustomize/base/liberty-logging.env"
   if [ "${BENCH_ACCESS_LOG:-on}" = off ]; then export ACCESS_LOGGING_ENABLED=false; fi
   set +a
   env WLP_USER_DIR="$out/usr" JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}" \
      HTTP_PORT="$port" MANAGEMENT_PORT="$management_port" UPDATE_TRIGGER=disabled \
      COUNTER_REDIS_WRITE_URI="redis://127.0.0.1:$redis_master" \
      COUNTER_REDIS_READ_URI="redis://127.0.0.1:$redis_replica" \
      COUNTER_REDIS_WRITE_MIN_REPLICAS="${BENCH_MIN_REPLICAS:-0}" \
      "${tracing[@]}" "$@" \
      "$wlp/bin/server" start "$server" >/dev/null)
  await "http://127.0.0.1:$management_port/health/ready" 120
}

server_pid() { pgrep -f "ws-server.jar $1\$"; }
rss_kib() { ps -o rss= -p "$(server_pid "$1")"; }

stop_servers() {
  local dir
  for dir in "$out"/usr/servers/*/; do
    if [ -d "$dir" ]; then
      WLP_USER_DIR=$out/usr "$wlp/bin/server" stop "$(basename "$dir")" >/dev/null 2>&1 || true
    fi
  done
  for port in $redis_replica $redis_master; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
  if [ -f "$out/nginx/nginx.pid" ]; then kill "$(cat "$out/nginx/nginx.pid")" 2>/dev/null || true; fi
}

# How busy the machine was before the run (other processes): figures taken on a busy machine are noise.
busy_percent() { # over 3 s, from /proc/stat
  local a b
  read -r -a a < /proc/stat; sleep 3; read -r -a b < /proc/stat
  local busy=$(( (b[1] + b[2] + b[3] + b[6] + b[7] + b[8]) - (a[1] + a[2] + a[3] + a[6] + a[7] + a[8]) ))
  local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) ))
  echo $(( 100 * busy / (busy + idle) ))
}

# One wrk run: prints "requests/s p50 p99 p99.9 (ms) errors requests".
measure() { # measure URL CONCURRENCY LUA [DURATION]
  local threads=$(( $2 < 2 ? 1 : 2 ))
  wrk -t"$threads" -c"$2" -d"${4:-$duration}" -s "$3" "$1" 2>/dev/null | awk '/^RESULT/ {print $2, $3, $4, $5, $6, $7}'
}

# One wrk run against the server with process PID: prints "requests/s p50 p99 p99.9 (ms) errors
# cpu_us", the last the server's CPU time (user and system, /proc/PID/stat fields 14 and 15) per
# request, in µs: what a change costs or saves even where wrk's share of the cores hides it in the
# throughput.
measure_cpu() { # measure_cpu PID URL CONCURRENCY LUA
  local before after rps p50 p99 p999 errors requests
  before=$(awk '{print $14 + $15}' "/proc/$1/stat")
  read -r rps p50 p99 p999 errors requests <<< "$(measure "$2" "$3" "$4")"
  after=$(awk '{print $14 + $15}' "/proc/$1/stat")
  echo "$rps $p50 $p99 $p999 $errors $(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" \
    'BEGIN { printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0) }')"
}
