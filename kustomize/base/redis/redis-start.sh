#!/bin/sh
# Starts redis-server in its role. The redis container runs this as its command (from the
# redis-scripts ConfigMap); deploy-tests runs it against local redis-server processes. Two modes:
#
# Fixed (REDIS_SENTINEL_MASTER_NAME empty): the StatefulSet ordinal gives the role, redis-0 is the
# master and every other pod replicates it. A restarted pod always comes back in the same role and
# nothing has to elect a master. The price: writes stop while redis-0 is down, until Kubernetes
# restarts it on its own volume.
#
# Sentinel (REDIS_SENTINEL_MASTER_NAME set, the sentinel component): the sentinels beside the pods
# (sentinel-start.sh) say who the master is, and promote a replica when it is down. This pod asks
# them, retrying while they start, and follows the answer of a majority of them: the master they
# name may be this pod or another. No majority answers: it refuses to start (it cannot know whether
# a failover made another pod the master), except the first start of a new system: ordinal 0 with
# nothing on its volume, when no other Redis holds data either (the empty-master check below).
# Whatever master that makes, it takes no write until a replica follows it (min-replicas-to-write
# is at least 1 in this mode), and only the sentinels send it replicas. The same fencing makes a
# master cut off from its replicas refuse writes before the sentinels promote another
# (sentinel-start.sh checks the lag against their down-after).
#
# No silent wipe: if the master finds no data on its volume (a lost or deleted volume), it asks
# the other pods first. Were it to start empty while one of them holds keys, every replica would
# resync to its empty data set and the count would be gone. So it refuses, and says so in the
# pod's log, until the volume is restored (docs/kubernetes.md, "Lost master volume"), a failover
# makes a pod with the data the master (Sentinel mode), or the operator sets
# REDIS_ALLOW_EMPTY_MASTER=true for a deliberate fresh start. The same from the other side, for
# when the master started before any replica could answer (after an outage of every pod): a
# replica whose volume holds keys refuses to follow a master that holds none.
#
# Needs only sh, uname, od, tr, sed, awk, getent, timeout, sleep, date, redis-server and redis-cli
# on the PATH, so it runs in the official redis image and in the sclorg one (openshift/).
# Environment, with the in-cluster default in brackets:
#   REDISCLI_AUTH       the password (required). redis-cli reads the same variable, so the probes
#                       authenticate without the password on their command line.
#   POD_NAME            [the host name] the pod name; the number after its last '-' is the ordinal,
#                       what comes before it the StatefulSet's name
#   REDIS_HEADLESS_SERVICE  [redis-headless] the headless Service that names the pods; kustomize
#                       keeps it right when an overlay renames the system (base/kustomization.yaml)
#   REDIS_MASTER_HOST   [<StatefulSet>-0.<headless Service>] the master's stable name (fixed mode)
#   REDIS_MASTER_PORT   [6379] the port of the master (fixed mode), and of the other pods
#   REDIS_PEERS         [<StatefulSet>-0 to -16 but this pod .<headless Service>:<REDIS_MASTER_PORT>]
#                       the other pods a master asks when its volume is empty, as host:port; a host
#                       that does not resolve is no pod (yet), and is skipped. none: ask no one
#   REDIS_ALLOW_EMPTY_MASTER  [false] true: the master starts on an empty volume even while
#                       replicas hold data, and replicas follow an empty master, dropping theirs.
#                       For a deliberate fresh start only.
#   REDIS_LISTEN_PORT   [6379]
#   REDIS_BIND          [* -::*] every IPv4 address, and every IPv6 one where the pod has IPv6
#   REDIS_DATA_DIR      [/data] the persistent volume, where the append-only file lives
#   REDIS_CONF_FILE     [/run/redis/redis.conf] written afresh at each start, so it must be writable
#   REDIS_MEMORY_LIMIT  [unset] the container's memory limit in bytes; maxmemory is half of it
# How acknowledged writes are kept (from the redis-config ConfigMap; docs/kubernetes.md says what
# each choice can still lose):
#   REDIS_APPENDFSYNC            [always] always, everysec or no: when the append-only file is
#                                flushed to disk, before each answer or about once a second
#   REDIS_MIN_REPLICAS_TO_WRITE  [0] a master refuses writes (NOREPLICAS) unless this many
#                                replicas have answered within REDIS_MIN_REPLICAS_MAX_LAG; 0 never
#   REDIS_MIN_REPLICAS_MAX_LAG   [10] seconds
# Sentinel mode:
#   REDIS_SENTINEL_MASTER_NAME   [empty] the name the sentinels give the master; empty: fixed mode
#   REDIS_SENTINEL_PORT          [26379] the sentinels' port, for the default REDIS_SENTINELS
#   REDIS_SENTINELS              [<StatefulSet>-0 to -2 .<headless Service>:<REDIS_SENTINEL_PORT>]
#                                the sentinels to ask, as host:port, by spaces or commas; more
#                                than half of them must answer (a host that does not resolve cannot)
#   REDIS_SENTINEL_WAIT_SECONDS  [30] how long to keep asking while no sentinel answers, and a
#                                master with an empty volume while another pod cannot say what it holds
#   REDIS_ANNOUNCE_HOST          [<POD_NAME>.<headless Service>] the name this Redis gives the
#                                sentinels and its master (replica-announce-ip), which the sentinels
#                                then name it by; with REDIS_LISTEN_PORT, how this pod knows itself
#                                in their answer
#   REDIS_MIN_REPLICAS_TO_WRITE  at least 1 in this mode
set -eu

fail() {
  echo "redis-start: $*" >&2
  exit 1
}
# A whole number, or the start fails: Redis would stop with a less helpful message.
require_count() {
  case $2 in
    '' | *[!0-9]*) fail "$1 must be a whole number, not '$2'" ;;
  esac
}

pod_name=${POD_NAME:-$(uname -n)}
ordinal=${pod_name##*-}
case $ordinal in
  '' | *[!0-9]*) fail "cannot read a StatefulSet ordinal from the pod name '$pod_name'" ;;
esac
statefulset=${pod_name%-*}
headless=${REDIS_HEADLESS_SERVICE:-redis-headless}
master_host=${REDIS_MASTER_HOST:-$statefulset-0.$headless}
master_port=${REDIS_MASTER_PORT:-6379}
data_dir=${REDIS_DATA_DIR:-/data}
[ -n "${REDISCLI_AUTH:-}" ] || fail "REDISCLI_AUTH must hold the Redis password"
conf=${REDIS_CONF_FILE:-/run/redis/redis.conf}
appendfsync=${REDIS_APPENDFSYNC:-always}
case $appendfsync in
  always | everysec | no) ;;
  *) fail "REDIS_APPENDFSYNC must be always, everysec or no, not '$appendfsync'" ;;
esac
min_replicas=${REDIS_MIN_REPLICAS_TO_WRITE:-0}
max_lag=${REDIS_MIN_REPLICAS_MAX_LAG:-10}
require_count REDIS_MIN_REPLICAS_TO_WRITE "$min_replicas"
require_count REDIS_MIN_REPLICAS_MAX_LAG "$max_lag"
listen_port=${REDIS_LISTEN_PORT:-6379}
sentinel_name=${REDIS_SENTINEL_MASTER_NAME:-}
announce_host=${REDIS_ANNOUNCE_HOST:-$pod_name.$headless}
sentinel_wait=${REDIS_SENTINEL_WAIT_SECONDS:-30}
require_count REDIS_SENTINEL_WAIT_SECONDS "$sentinel_wait"
if [ -n "$sentinel_name" ] && [ "$min_replicas" -lt 1 ]; then
  min_replicas=1 # the fencing of the Sentinel mode
fi
allow_empty_master=${REDIS_ALLOW_EMPTY_MASTER:-false}
sentinel_hint=
peer_wait=0
if [ -n "$sentinel_name" ]; then
  peer_wait=$sentinel_wait
  sentinel_hint=" Left as it is, the sentinels promote a replica that has the data, and this pod then starts"
  sentinel_hint="$sentinel_hint as its replica. To replace a master's volume on purpose, fail over first"
  sentinel_hint="$sentinel_hint (docs/kubernetes.md, \"Planned master maintenance\")."
fi
case $allow_empty_master in
  true | false) ;;
  *) fail "REDIS_ALLOW_EMPTY_MASTER must be true or false, not '$allow_empty_master'" ;;
esac

# Every byte of the password as \xHH between double quotes: redis.conf reads that back exactly,
# whatever the password holds (quotes, spaces, '#', a trailing newline from a file).
password="\"$(printf '%s' "$REDISCLI_AUTH" | od -An -v -tx1 | tr -d ' \n' | sed 's/../\\x&/g')\""

umask 077 # the file holds the password: owner only
{
  echo "port $listen_port"
  echo "bind ${REDIS_BIND:-* -::*}"
  echo "dir $data_dir"
  # Every write goes to the append-only file on the volume; "always" flushes it to disk before
  # the write is answered, so an acknowledged increment survives a crash of the pod or its node.
  echo "appendonly yes"
  echo "appendfsync $appendfsync"
  # Only a master applies these; a replica keeps them in case it is ever made the master.
  echo "min-replicas-to-write $min_replicas"
  echo "min-replicas-max-lag $max_lag"
  echo "requirepass $password"
  # Replicas log in to the master with the same password.
  echo "masterauth $password"
  if [ -n "${REDIS_MEMORY_LIMIT:-}" ]; then
    # Half the container's limit leaves room for the fork that rewrites the append-only file.
    echo "maxmemory $((REDIS_MEMORY_LIMIT / 2))"
    # Refuse writes when full rather than silently evict the count.
    echo "maxmemory-policy noeviction"
  fi
  if [ -n "$sentinel_name" ]; then
    # The sentinels reach this Redis by its stable name, not the pod's address of the day.
    echo "replica-announce-ip $announce_host"
  fi
} >"$conf"

# Whether the data directory holds nothing Redis wrote: no append-only file (Redis 7 keeps it in
# appendonlydir, 6 in appendonly.aof) and no snapshot.
has_no_data() {
  [ ! -e "$data_dir/appendonlydir" ] && [ ! -e "$data_dir/appendonly.aof" ] && [ ! -e "$data_dir/dump.rdb" ]
}

# The number of keys on the server at $1:$2, from INFO keyspace; nothing if it cannot say.
keys_on() {
  reply=$(timeout 5 redis-cli -h "$1" -p "$2" info keyspace 2>/dev/null) || return 0
  case $reply in
    *'# Keyspace'*) printf '%s\n' "$reply" | sed -n 's/^db[0-9]*:keys=\([0-9]*\).*/\1/p' |
      awk '{ n += $1 } END { print n + 0 }' ;;
  esac
}

# The number of keys this pod's own volume holds: a Redis of its own, on a socket only, loads it.
# Nothing if it cannot.
keys_on_own_volume() {
  socket=$(dirname "$conf")/count.sock
  redis-server "$conf" --port 0 --unixsocket "$socket" --replicaof no one >/dev/null 2>&1 &
  server=$!
  tries=0
  until [ "$(redis-cli -s "$socket" ping 2>/dev/null)" = PONG ]; do
    tries=$((tries + 1))
    [ "$tries" -le 600 ] || { kill "$server"; return 0; }
    sleep 0.2
  done
  redis-cli -s "$socket" dbsize
  redis-cli -s "$socket" shutdown nosave >/dev/null 2>&1 || true
  wait "$server" || true
}

# Fails unless no replica holds keys. A replica that resolves but cannot say (down, hung, still
# loading) fails it too: it would resync to empty as soon as it is back. In Sentinel mode the pods
# start together (a new system, or after an outage of all), so it is asked again for as long as
# the sentinels are.
refuse_empty_master_while_replicas_hold_data() {
  if [ "${REDIS_PEERS:-}" = none ]; then
    peers=
  elif [ -n "${REDIS_PEERS:-}" ]; then
    peers=$REDIS_PEERS
  else
    peers=
    i=0
    while [ "$i" -le 16 ]; do
      [ "$i" -eq "$ordinal" ] || peers="$peers $statefulset-$i.$headless:$master_port"
      i=$((i + 1))
    done
  fi
  deadline=$(($(date +%s) + peer_wait))
  while :; do
    silent=
    for peer in $peers; do
      host=${peer%:*}
      port=${peer##*:}
      getent hosts "$host" >/dev/null 2>&1 || continue
      reply=$(timeout 5 redis-cli -h "$host" -p "$port" info keyspace 2>&1) || reply="no answer ($reply)"
      case $reply in
        *'# Keyspace'*db[0-9]*:keys=*)
          keys=$(printf '%s\n' "$reply" | sed -n 's/^db[0-9]*:keys=\([0-9]*\).*/\1/p' | head -n 1)
          fail "$pod_name has no data on its volume ($data_dir), but the replica $host holds $keys keys or more." \
            "Started empty, it would make every replica drop its copy. Restore the master's data from a" \
            "replica (docs/kubernetes.md, \"Lost master volume\"), or set REDIS_ALLOW_EMPTY_MASTER=true" \
            "to start empty on purpose.$sentinel_hint"
          ;;
        *'# Keyspace'*) ;;
        *) silent="the replica $host cannot say whether it holds any: $reply" ;;
      esac
    done
    [ -n "$silent" ] || return 0
    [ "$(date +%s)" -lt "$deadline" ] ||
      fail "$pod_name has no data on its volume ($data_dir), and $silent. Bring it back, or set" \
        "REDIS_ALLOW_EMPTY_MASTER=true to start empty on purpose.$sentinel_hint"
    sleep 1
  done
}

# "host port" of the master, as a majority of REDIS_SENTINELS names it, asking for up to
# REDIS_SENTINEL_WAIT_SECONDS; nothing if no majority answers. A majority, as for a failover: one
# sentinel alone may have lost its config with its volume and fallen back to pod 0
# (sentinel-start.sh) while the others know of failovers since. When the answers disagree, the
# highest config epoch wins: that is the configuration of the latest failover, the one every
# sentinel adopts as soon as it hears of it (one that has not yet is behind, however many share its
# view); among equal epochs, the most sentinels. While one sentinel reports a failover in
# progress there is no answer: started as the master, the old master would take writes with
# replicas that are about to follow the promoted one.
master_by_sentinels() {
  sentinels=$(echo "${REDIS_SENTINELS:-}" | tr ',' ' ')
  if [ -z "$sentinels" ]; then
    for i in 0 1 2; do
      sentinels="$sentinels $statefulset-$i.$headless:${REDIS_SENTINEL_PORT:-26379}"
    done
  fi
  # shellcheck disable=SC2086 # one word a sentinel
  set -- $sentinels
  majority=$(($# / 2 + 1))
  deadline=$(($(date +%s) + sentinel_wait))
  while :; do
    answer=$(for sentinel in $sentinels; do
      getent hosts "${sentinel%:*}" >/dev/null 2>&1 || continue
      # SENTINEL MASTER answers name, value, name, value...: the epoch and address in one reply.
      timeout 5 redis-cli -h "${sentinel%:*}" -p "${sentinel##*:}" sentinel master "$sentinel_name" 2>/dev/null |
        awk 'NR % 2 { key = $0; next } { v[key] = $0 }
          END { if (v["ip"] != "") print v["config-epoch"] + 0, v["ip"], v["port"], v["flags"] ~ /failover_in_progress/ }' || true
    done | awk -v majority="$majority" '{ answers++; busy += $4; n[$1 " " $2 " " $3]++ }
      END { if (busy || answers < majority) exit
        for (a in n) { split(a, f, " "); if (best == "" || f[1] + 0 > e || (f[1] + 0 == e && n[a] > c)) { best = a; e = f[1] + 0; c = n[a] } }
        split(best, f, " "); print f[2], f[3] }')
    if [ -n "$answer" ] || [ "$(date +%s)" -ge "$deadline" ]; then
      echo "$answer"
      return 0
    fi
    [ -n "${asked:-}" ] || echo "redis-start: no answer yet from $majority of the sentinels ($sentinels)," \
      "or a failover is in progress; asking again for $sentinel_wait s" >&2
    asked=yes
    sleep 1
  done
}

# The first address of a host name; if it does not resolve, the name itself, unlike any address.
address_of() {
  getent hosts "$1" | awk -v name="$1" 'NR == 1 { print $1 } END { if (NR == 0) print "unresolved", name }'
}

# The role: "host port" of the master to follow, or nothing to be the master.
if [ -z "$sentinel_name" ]; then
  master="$master_host $master_port"
  [ "$ordinal" -ne 0 ] || master=
else
  master=$(master_by_sentinels)
  if [ -z "$master" ]; then
    if [ "$ordinal" -ne 0 ] || ! has_no_data; then
      fail "no majority of the sentinels of $sentinel_name answered within $sentinel_wait s (or a failover was in" \
        "progress all along), so $pod_name cannot know which pod is the master now: started on its own, it" \
        "could split the system in two. It starts once they answer (they run beside the Redis pods, in the" \
        "sentinel container). If the sentinels have lost their configuration, see docs/kubernetes.md," \
        "\"Recovery from a total loss\"."
    fi
    echo "redis-start: no sentinels answer, and $pod_name, ordinal 0, has no data: the first start of a new" \
      "system (unless another pod holds data, checked next)" >&2
  elif [ "${master##* }" = "$listen_port" ] && { [ "${master% *}" = "$announce_host" ] ||
    [ "$(address_of "${master% *}")" = "$(address_of "$announce_host")" ]; }; then
    master= # named by its announced name, or by another that resolves alike (e.g. the full DNS name)
  fi
fi

if [ -z "$master" ]; then
  if has_no_data; then
    if [ "$allow_empty_master" = true ]; then
      echo "redis-start: $pod_name starts empty (REDIS_ALLOW_EMPTY_MASTER=true): replicas drop their data" >&2
    else
      refuse_empty_master_while_replicas_hold_data
    fi
  fi
  echo "redis-start: $pod_name starts as the master" >&2
else
  master_host=${master% *}
  master_port=${master##* }
  if [ "$allow_empty_master" = false ] && ! has_no_data; then
    master_keys=$(keys_on "$master_host" "$master_port")
    if [ "$master_keys" = 0 ]; then
      own_keys=$(keys_on_own_volume)
      [ -n "$own_keys" ] || fail "$pod_name cannot load its own volume to count its keys"
      [ "$own_keys" -eq 0 ] ||
        fail "$pod_name holds $own_keys keys, but its master $master_host holds none: following it, it" \
          "would drop them. Restore the master's data from this replica (docs/kubernetes.md, \"Lost" \
          "master volume\"; with Sentinel, \"Recovery from a total loss\"), or set" \
          "REDIS_ALLOW_EMPTY_MASTER=true if the master is empty on purpose."
    fi
  fi
  {
    echo "replicaof $master_host $master_port"
    echo "replica-read-only yes"
  } >>"$conf"
  echo "redis-start: $pod_name starts as a replica of $master_host:$master_port" >&2
fi
exec redis-server "$conf"
