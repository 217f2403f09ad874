#!/bin/sh
# The probes of the Redis pods, one mode each:
#   redis-probe.sh started  Redis has loaded its data: PING answers PONG.
#   redis-probe.sh live     Redis answers at all, "LOADING" included: a pod that loads a large data
#                           set is busy, not stuck, and a restart would only start the load over.
#   redis-probe.sh ready    The master answers. A replica is ready only while its link to the master
#                           is up: until its first sync it would serve an empty or stale count, so
#                           the read Service must not send it clients. In Sentinel mode too, a
#                           master that refuses writes for want of replicas (NOREPLICAS) is ready:
#                           its reads are right, and the read Service needs them most then.
#   redis-probe.sh sentinel The sentinel beside Redis (sentinel-start.sh) answers PING on
#                           REDIS_SENTINEL_PORT [26379].
#
# redis-cli takes the password from REDISCLI_AUTH, never from its command line; with a wrong one,
# every mode fails. Without -e, redis-cli fails only when it cannot connect: each mode judges the
# reply itself. REDIS_LISTEN_PORT as in redis-start.sh.
set -eu

port=${REDIS_LISTEN_PORT:-6379}
fail() {
  echo "redis-probe $mode: $*" >&2
  exit 1
}

mode=${1:-}
case $mode in
  started)
    reply=$(redis-cli -p "$port" ping)
    [ "$reply" = PONG ] || fail "$reply"
    ;;
  live)
    reply=$(redis-cli -p "$port" ping)
    case $reply in
      PONG | LOADING*) ;;
      *) fail "$reply" ;;
    esac
    ;;
  ready)
    reply=$(redis-cli -p "$port" info replication)
    case $reply in
      *role:master* | *master_link_status:up*) ;;
      *role:slave*) fail "this replica is not in sync with its master" ;;
      *) fail "$reply" ;;
    esac
    ;;
  sentinel)
    reply=$(redis-cli -p "${REDIS_SENTINEL_PORT:-26379}" ping)
    [ "$reply" = PONG ] || fail "$reply"
    ;;
  *) fail "usage: redis-probe.sh started|live|ready|sentinel" ;;
esac
