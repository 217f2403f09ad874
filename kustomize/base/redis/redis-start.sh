#!/bin/sh
# Starts redis-server in the role that its StatefulSet ordinal gives it: redis-0 is the master and
# every other pod replicates it. The redis container runs this as its command (from the
# redis-scripts ConfigMap); deploy-tests runs it against local redis-server processes.
#
# The pod name alone decides the role, so a restarted pod always comes back in the same role and
# nothing has to elect a master. The price: writes stop while redis-0 is down, until Kubernetes
# restarts it on its own volume.
#
# No silent wipe: if redis-0 finds no data on its volume (a lost or deleted volume), it asks the
# replicas first. Were it to start empty while one of them holds keys, every replica would resync
# to its empty data set and the count would be gone. So it refuses, and says so in the pod's log,
# until the volume is restored (docs/kubernetes.md, "Lost master volume") or the operator sets
# REDIS_ALLOW_EMPTY_MASTER=true for a deliberate fresh start. The same from the other side, for
# when redis-0 started before any replica could answer (after an outage of every pod): a replica
# whose volume holds keys refuses to follow a master that holds none.
#
# Needs only sh, uname, od, tr, sed, awk, getent, timeout, redis-server and redis-cli on the PATH,
# so it runs in the official redis image and in the sclorg one (openshift/). Environment, with the
# in-cluster default in brackets:
#   REDISCLI_AUTH       the password (required). redis-cli reads the same variable, so the probes
#                       authenticate without the password on their command line.
#   POD_NAME            [the host name] the pod name; the number after its last '-' is the ordinal,
#                       what comes before it the StatefulSet's name
#   REDIS_HEADLESS_SERVICE  [redis-headless] the headless Service that names the pods; kustomize
#                       keeps it right when an overlay renames the system (base/kustomization.yaml)
#   REDIS_MASTER_HOST   [<StatefulSet>-0.<headless Service>] the master's stable name
#   REDIS_MASTER_PORT   [6379] the port of the master, and of the replicas that redis-0 asks
#   REDIS_PEERS         [<StatefulSet>-1 to -16 .<headless Service>:<REDIS_MASTER_PORT>] the
#                       replicas redis-0 asks when its volume is empty, as host:port; a host that
#                       does not resolve is no pod (yet), and is skipped. none: ask no one
#   REDIS_ALLOW_EMPTY_MASTER  [false] true: redis-0 starts on an empty volume even while replicas
#                       hold data, and replicas follow an empty master, dropping theirs. For a
#                       deliberate fresh start only.
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
allow_empty_master=${REDIS_ALLOW_EMPTY_MASTER:-false}
case $allow_empty_master in
  true | false) ;;
  *) fail "REDIS_ALLOW_EMPTY_MASTER must be true or false, not '$allow_empty_master'" ;;
esac

# Every byte of the password as \xHH between double quotes: redis.conf reads that back exactly,
# whatever the password holds (quotes, spaces, '#', a trailing newline from a file).
password="\"$(printf '%s' "$REDISCLI_AUTH" | od -An -v -tx1 | tr -d ' \n' | sed 's/../\\x&/g')\""

umask 077 # the file holds the password: owner only
{
  echo "port ${REDIS_LISTEN_PORT:-6379}"
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
  if [ "$ordinal" -ne 0 ]; then
    echo "replicaof $master_host $master_port"
    echo "replica-read-only yes"
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
# loading) fails it too: it would resync to empty as soon as it is back.
refuse_empty_master_while_replicas_hold_data() {
  if [ "${REDIS_PEERS:-}" = none ]; then
    peers=
  elif [ -n "${REDIS_PEERS:-}" ]; then
    peers=$REDIS_PEERS
  else
    peers=
    i=1
    while [ "$i" -le 16 ]; do
      peers="$peers $statefulset-$i.$headless:$master_port"
      i=$((i + 1))
    done
  fi
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
          "to start empty on purpose."
        ;;
      *'# Keyspace'*) ;;
      *)
        fail "$pod_name has no data on its volume ($data_dir), and the replica $host cannot say whether" \
          "it holds any: $reply. Bring it back, or set REDIS_ALLOW_EMPTY_MASTER=true to start empty on purpose."
        ;;
    esac
  done
}

if [ "$ordinal" -eq 0 ]; then
  if has_no_data; then
    if [ "$allow_empty_master" = true ]; then
      echo "redis-start: $pod_name starts empty (REDIS_ALLOW_EMPTY_MASTER=true): replicas drop their data" >&2
    else
      refuse_empty_master_while_replicas_hold_data
    fi
  fi
  echo "redis-start: $pod_name starts as the master" >&2
else
  if [ "$allow_empty_master" = false ] && ! has_no_data; then
    master_keys=$(keys_on "$master_host" "$master_port")
    if [ "$master_keys" = 0 ]; then
      own_keys=$(keys_on_own_volume)
      [ -n "$own_keys" ] || fail "$pod_name cannot load its own volume to count its keys"
      [ "$own_keys" -eq 0 ] ||
        fail "$pod_name holds $own_keys keys, but its master $master_host holds none: following it, it" \
          "would drop them. Restore the master's data from this replica (docs/kubernetes.md, \"Lost" \
          "master volume\"), or set REDIS_ALLOW_EMPTY_MASTER=true if the master is empty on purpose."
    fi
  fi
  echo "redis-start: $pod_name starts as a replica of $master_host" >&2
fi
exec redis-server "$conf"
