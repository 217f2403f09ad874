#!/bin/sh
# Starts the Redis Sentinel beside a Redis pod: the sentinel sidecar's command. Three of them watch
# the Redis pods, and when the master is down for REDIS_SENTINEL_DOWN_AFTER_MS a majority of them
# promotes a replica (redis-start.sh, in its Sentinel mode, asks them for its role).
#
# The config lives on the pod's volume because Sentinel keeps its state in it: its id, the epochs
# of past failovers, the replicas and sentinels it knows. An existing file is kept, so a restarted
# sentinel rejoins with its state; only the settings this script owns are written afresh at each
# start (a rotated password, a new down-after, ...). On the first start there is no file: the
# sentinel monitors the master that the other sentinels name, or, when none answers (a new
# system), <StatefulSet>-0. A sentinel that starts with an outdated master is corrected by the
# others: the configuration of the highest failover epoch wins.
#
# Needs only sh, uname, od, tr, sed, getent, timeout, dirname, mkdir, mv, redis-server and redis-cli, as
# redis-start.sh. Environment, with the in-cluster default in brackets:
#   REDISCLI_AUTH       the password (required): the sentinel's own (requirepass), the other
#                       sentinels' (sentinel-pass) and Redis's (auth-pass); never on a command line
#   POD_NAME            [the host name] <StatefulSet>-<ordinal>
#   REDIS_HEADLESS_SERVICE  [redis-headless] the headless Service that names the pods
#   REDIS_ANNOUNCE_HOST [<POD_NAME>.<headless Service>] the name the other sentinels reach this one by
#   REDIS_SENTINEL_MASTER_NAME  [counter] the name the sentinels give the master
#   REDIS_SENTINEL_PORT [26379] this sentinel's port, and the other sentinels'
#   REDIS_SENTINELS     [<StatefulSet>-0 to -2 .<headless Service>:<REDIS_SENTINEL_PORT>] the sentinels
#                       asked on a first start, as host:port; a host that does not resolve is skipped
#   REDIS_MASTER_HOST   [<StatefulSet>-0.<headless Service>] the master of a new system
#   REDIS_MASTER_PORT   [6379] its Redis port
#   REDIS_SENTINEL_QUORUM  [2] how many sentinels must find the master down before a failover
#   REDIS_SENTINEL_DOWN_AFTER_MS  [5000] how long the master must not answer to be found down
#   REDIS_SENTINEL_FAILOVER_TIMEOUT_MS  [30000] how long a failover may take; a failed one is
#                       tried again after twice this (Sentinel's default, 3 minutes, is long for
#                       three pods on one network)
#   REDIS_MIN_REPLICAS_MAX_LAG  [10, as redis-start.sh] the fencing of redis-start.sh, in seconds,
#                       read to check it against the down-after: with 2 s added, it must not exceed
#                       it (so the default 10 needs a down-after of 12000 ms, or a lag of 3 s or less)
#   REDIS_BIND          [* -::*]
#   SENTINEL_CONF_FILE  [/data/sentinel/sentinel.conf] on the pod's volume
set -eu

fail() {
  echo "sentinel-start: $*" >&2
  exit 1
}
require_count() {
  case $2 in
    '' | *[!0-9]*) fail "$1 must be a whole number, not '$2'" ;;
  esac
}

[ -n "${REDISCLI_AUTH:-}" ] || fail "REDISCLI_AUTH must hold the Redis password"
pod_name=${POD_NAME:-$(uname -n)}
statefulset=${pod_name%-*}
headless=${REDIS_HEADLESS_SERVICE:-redis-headless}
announce_host=${REDIS_ANNOUNCE_HOST:-$pod_name.$headless}
name=${REDIS_SENTINEL_MASTER_NAME:-counter}
port=${REDIS_SENTINEL_PORT:-26379}
master_host=${REDIS_MASTER_HOST:-$statefulset-0.$headless}
master_port=${REDIS_MASTER_PORT:-6379}
quorum=${REDIS_SENTINEL_QUORUM:-2}
down_after=${REDIS_SENTINEL_DOWN_AFTER_MS:-5000}
failover_timeout=${REDIS_SENTINEL_FAILOVER_TIMEOUT_MS:-30000}
max_lag=${REDIS_MIN_REPLICAS_MAX_LAG:-10}
conf=${SENTINEL_CONF_FILE:-/data/sentinel/sentinel.conf}
for setting in REDIS_SENTINEL_PORT:"$port" REDIS_MASTER_PORT:"$master_port" REDIS_SENTINEL_QUORUM:"$quorum" \
  REDIS_SENTINEL_DOWN_AFTER_MS:"$down_after" REDIS_SENTINEL_FAILOVER_TIMEOUT_MS:"$failover_timeout" \
  REDIS_MIN_REPLICAS_MAX_LAG:"$max_lag"; do
  require_count "${setting%%:*}" "${setting#*:}"
done
[ "$quorum" -ge 1 ] || fail "REDIS_SENTINEL_QUORUM must be 1 or more"
# Fencing: an old master must refuse writes before the sentinels promote another one, or the
# writes it takes in between are lost. Redis counts a replica's lag in whole seconds and refreshes
# the count once a second, so it may take writes up to max-lag + 2 s after its replicas' last ack.
[ $(((max_lag + 2) * 1000)) -le "$down_after" ] ||
  fail "REDIS_MIN_REPLICAS_MAX_LAG ($max_lag s) plus 2 s must not exceed REDIS_SENTINEL_DOWN_AFTER_MS" \
    "($down_after ms): a master cut off from its replicas would still take writes when the sentinels" \
    "promote another, and those writes would be lost. Lower the lag (e.g. 2) or raise the down-after."
case $name in
  '' | *[!A-Za-z0-9_.-]*) fail "REDIS_SENTINEL_MASTER_NAME must be letters, digits, '.', '_' or '-', not '$name'" ;;
esac

# "host port" of the master that the first other sentinel to answer monitors, then one
# "host port" line per replica that it knows; nothing if none answers.
master_and_replicas_the_others_monitor() {
  sentinels=${REDIS_SENTINELS:-$statefulset-0.$headless:$port $statefulset-1.$headless:$port $statefulset-2.$headless:$port}
  for sentinel in $(echo "$sentinels" | tr ',' ' '); do
    host=${sentinel%:*}
    if [ "$sentinel" = "$announce_host:$port" ] || ! getent hosts "$host" >/dev/null 2>&1; then continue; fi
    reply=$(timeout 5 redis-cli -h "$host" -p "${sentinel##*:}" sentinel get-master-addr-by-name "$name" 2>/dev/null) ||
      continue
    # shellcheck disable=SC2086 # two lines, host and port, into words
    set -f && set -- $reply && set +f
    case ${2:-} in
      '' | *[!0-9]*) ;;
      *)
        echo "$1 $2"
        # The replicas too: a sentinel learns them from the master's INFO, and a new sentinel
        # whose master is down (a pod whose volume was lost, with the master) would know none.
        # Were it elected to fail over, it would find no replica to promote and abort, and every
        # sentinel would wait twice the failover timeout before trying again.
        timeout 5 redis-cli -h "$host" -p "${sentinel##*:}" sentinel replicas "$name" 2>/dev/null |
          awk 'field == "ip" { host = $0 } field == "port" { port = $0 } { field = $0 }
            field == "flags" && host != "" { print host, port; host = "" }' || true
        return 0
        ;;
    esac
  done
}

# The settings this script owns are written first, the master's after its monitor line; Sentinel
# reads the file in order.
password="\"$(printf '%s' "$REDISCLI_AUTH" | od -An -v -tx1 | tr -d ' \n' | sed 's/../\\x&/g')\""
umask 077 # the file holds the password: owner only (Sentinel keeps the mode when it rewrites it)
mkdir -p "$(dirname "$conf")"
monitored=
replicas=
source="as kept in $conf"
if [ -f "$conf" ]; then
  monitored=$(sed -n "s/^sentinel monitor $name \([^ ]*\) \([0-9]*\) .*/\1 \2/p" "$conf")
fi
if [ -z "$monitored" ]; then
  answer=$(master_and_replicas_the_others_monitor)
  monitored=$(printf '%s\n' "$answer" | sed -n 1p)
  replicas=$(printf '%s\n' "$answer" | sed 1d)
  source="as the other sentinels say"
  if [ -z "$monitored" ]; then
    monitored="$master_host $master_port"
    source="as no other sentinel answers: a new system"
  fi
fi
{
  echo "port $port"
  echo "bind ${REDIS_BIND:-* -::*}"
  echo "dir $(dirname "$conf")"
  echo "requirepass $password"
  echo "sentinel sentinel-pass $password"
  # Pods change addresses when they restart; their names in the headless Service stay.
  echo "sentinel resolve-hostnames yes"
  echo "sentinel announce-hostnames yes"
  echo "sentinel announce-ip $announce_host"
  echo "sentinel monitor $name $monitored $quorum"
  echo "sentinel auth-pass $name $password"
  echo "sentinel down-after-milliseconds $name $down_after"
  echo "sentinel failover-timeout $name $failover_timeout"
  # One replica resyncs at a time: the others keep serving reads.
  echo "sentinel parallel-syncs $name 1"
  printf '%s\n' "$replicas" | while read -r replica_host replica_port; do
    [ -z "$replica_host" ] || echo "sentinel known-replica $name $replica_host $replica_port"
  done
  if [ -f "$conf" ]; then
    # What Sentinel wrote and keeps (its id, the epochs, the replicas and sentinels it knows, by
    # name: a pod that does not resolve now is kept, and found again once it is back), without the
    # settings above. Sentinel writes the passwords back unquoted (and comments them out), and a
    # default-user line with the hash of the password of the day.
    while IFS= read -r line; do
      case $line in
        '' | 'port '* | 'bind '* | 'dir '* | 'requirepass '* | 'user '* | '# ???'* | 'sentinel sentinel-pass '* | \
          'sentinel resolve-hostnames '* | 'sentinel announce-'* | 'sentinel monitor '* | 'sentinel auth-pass '* | \
          'sentinel down-after-milliseconds '* | 'sentinel failover-timeout '* | 'sentinel parallel-syncs '*) ;;
        *) printf '%s\n' "$line" ;;
      esac
    done <"$conf"
  fi
} >"$conf.new"
mv "$conf.new" "$conf"
echo "sentinel-start: monitoring $name at ${monitored% *}:${monitored##* } ($source), quorum $quorum" >&2
exec redis-server "$conf" --sentinel
