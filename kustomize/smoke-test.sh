#!/usr/bin/env bash
# Smoke test on a real cluster: applies an overlay into a fresh namespace, waits for the rollout,
# runs the tutorial through the Ingress, then deletes the namespace, whether it passed or not.
#
# Usage: kustomize/smoke-test.sh [OVERLAY]    (an overlay under kustomize/overlays; default dev)
#
# Needs kubectl pointed at the cluster, curl, an Ingress controller, and images the cluster can
# pull (docs/kubernetes.md). Optional environment:
#   COUNTER_URL   the base URL of the Ingress, e.g. http://localhost:8080 for a port-forward;
#                 default: the address the Ingress controller publishes in the Ingress status
#   WAIT_SECONDS  the longest each wait may take [300]
#   KEEP=1        keep the namespace afterwards, to look around
set -euo pipefail

overlay=${1:-dev}
overlay_dir=$(cd "$(dirname "$0")" && pwd)/overlays/$overlay
wait_seconds=${WAIT_SECONDS:-300}
namespace=counter-smoke-$(date +%s)

log() { printf '%s smoke-test: %s\n' "$(date +%T)" "$*" >&2; }
fail() {
  log "FAILED: $*"
  exit 1
}

# Runs "$@" until it succeeds; fails once wait_seconds have passed.
eventually() {
  local deadline=$((SECONDS + wait_seconds))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 2
  done
}

cleanup() {
  if [[ ${KEEP:-} == 1 ]]; then
    log "keeping namespace $namespace"
  else
    log "deleting namespace $namespace"
    kubectl delete namespace "$namespace" --wait=false >/dev/null
  fi
}

[[ -f $overlay_dir/kustomization.yaml ]] || fail "no overlay at $overlay_dir"
log "context $(kubectl config current-context), overlay $overlay, namespace $namespace"
kubectl create namespace "$namespace" >/dev/null
trap cleanup EXIT

# The Secret that overlays like prod expect the operator to create; dev generates its own.
kubectl -n "$namespace" create secret generic redis-auth \
  --from-literal=password="$(head -c 24 /dev/urandom | base64)" >/dev/null
kubectl -n "$namespace" apply -k "$overlay_dir"

for workload in statefulset/redis deployment/web deployment/web-inc; do
  kubectl -n "$namespace" rollout status "$workload" --timeout="${wait_seconds}s"
done

ingress_field() { kubectl -n "$namespace" get ingress/counter -o jsonpath="$1"; }
if [[ -z ${COUNTER_URL:-} ]]; then
  log "waiting for the Ingress controller to publish an address"
  has_address() { [[ -n $(ingress_field '{.status.loadBalancer.ingress[0]}') ]]; }
  eventually has_address || fail "the Ingress got no address; set COUNTER_URL"
  address=$(ingress_field '{.status.loadBalancer.ingress[0].ip}{.status.loadBalancer.ingress[0].hostname}')
  COUNTER_URL=http://$address
fi
curl_options=(--fail --silent --show-error --max-time 5 --header 'Accept: text/plain')
host=$(ingress_field '{.spec.rules[0].host}')
if [[ -n $host ]]; then
  curl_options+=(--header "Host: $host")
fi
get() { curl "${curl_options[@]}" "$COUNTER_URL$1"; }

log "waiting for $COUNTER_URL to answer"
answers() { get / >/dev/null 2>&1; }
eventually answers || fail "GET $COUNTER_URL/ never succeeded"

# The tutorial: each GET /inc answers the incremented count, then GET / answers the last one.
start=$(get /)
[[ $start =~ ^[0-9]+$ ]] || fail "GET / answered '$start', not a count"
for step in 1 2 3; do
  count=$(get /inc)
  [[ $count == $((start + step)) ]] || fail "GET /inc answered '$count', expected $((start + step))"
done
# GET / reads from any Redis pod, and replicas trail the master by a moment: wait for the count.
reads_last_count() { [[ $(get /) == $((start + 3)) ]]; }
eventually reads_last_count || fail "GET / never answered $((start + 3)), last: '$(get /)'"
log "passed: /inc counted $((start + 1)), $((start + 2)), $((start + 3)) and / answered $((start + 3))"
