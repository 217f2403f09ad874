#!/bin/sh
# Starts redis-server in the role that its StatefulSet ordinal gives it: redis-0 is the master and
# every other pod replicates it. The redis container runs this as its command (from the
# redis-scripts ConfigMap); deploy-tests runs it against local redis-server processes.
#
# The pod name alone decides the role, so a restarted pod always comes back in the same role and
# nothing has to elect a master. The price: writes stop while redis-0 is down, until Kubernetes
# restarts it on its own volume.
#
# Needs only sh, uname, od, tr, sed and redis-server on the PATH, so it runs in the official redis
# image and in the sclorg one (openshift/). Environment, with the in-cluster default in brackets:
#   REDISCLI_AUTH       the password (required). redis-cli reads the same variable, so the probes
#                       authenticate without the password on their command line.
#   POD_NAME            [the host name] the pod name; the number after its last '-' is the ordinal
#   REDIS_MASTER_HOST   [redis-0.redis-headless] the master's stable name, from the headless Service
#   REDIS_MASTER_PORT   [6379]
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

# Every byte of the password as \xHH between double quotes: redis.conf reads that back exactly,
# whatever the password holds (quotes, spaces, '#', a trailing newline from a file).
password="\"$(printf '%s' "$REDISCLI_AUTH" | od -An -v -tx1 | tr -d ' \n' | sed 's/../\\x&/g')\""

umask 077 # the file holds the password: owner only
{
  echo "port ${REDIS_LISTEN_PORT:-6379}"
  echo "bind ${REDIS_BIND:-* -::*}"
  echo "dir ${REDIS_DATA_DIR:-/data}"
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
    echo "replicaof ${REDIS_MASTER_HOST:-redis-0.redis-headless} ${REDIS_MASTER_PORT:-6379}"
    echo "replica-read-only yes"
  fi
} >"$conf"

if [ "$ordinal" -eq 0 ]; then
  echo "redis-start: $pod_name starts as the master" >&2
else
  echo "redis-start: $pod_name starts as a replica of ${REDIS_MASTER_HOST:-redis-0.redis-headless}" >&2
fi
exec redis-server "$conf"
