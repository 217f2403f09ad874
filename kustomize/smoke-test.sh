#!/usr/bin/env bash
# Smoke test on a real cluster: deploys the counter into a fresh namespace (a project on
# OpenShift), waits for it, runs the tutorial through the way in, then deletes the namespace,
# whether it passed or not.
#
# Usage: kustomize/smoke-test.sh [OVERLAY]     Kubernetes (kind, minikube, any cluster): applies an
#                                              overlay under kustomize/overlays [dev] and goes
#                                              through its Ingress
#        kustomize/smoke-test.sh --openshift   OpenShift: instantiates openshift/template.yaml, which
#                                              builds the images in the project from GIT_URL, waits
#                                              for the builds, and goes through the Route over HTTPS
#
# Needs kubectl (oc for --openshift) pointed at the cluster, and curl. Kubernetes: an Ingress
# controller and images the cluster can pull (docs/kubernetes.md). OpenShift: a Git repository
# the cluster can read (docs/openshift.md). Environment:
#   GIT_URL       --openshift: the repository to build (required); GIT_REF the branch, tag or
#                 commit [the current branch]
#   COUNTER_URL   the base URL of the way in, e.g. http://localhost:8080 for a port-forward to the
#                 Ingress controller; default: the address in the Ingress status, or the Route's host
#   INSECURE=1    accept a certificate curl cannot verify (a router's self-signed default)
#   WAIT_SECONDS  the longest each wait may take [300; builds: 3 times that]
#   KEEP=1        keep the namespace afterwards, to look around
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
wait_seconds=${WAIT_SECONDS:-300}
namespace=counter-smoke-$(date +%s)
platform=kubernetes
if [[ ${1:-} == --openshift ]]; then
  platform=openshift
fi
cli=kubectl
[[ $platform == openshift ]] && cli=oc

log() { printf '%s smoke-test: %s\n' "$(date +%T)" "$*" >&2; }
fail() {
  log "FAILED: $*"
  exit 1
}

# Runs "$@" until it succeeds; fails once the given seconds have passed.
eventually_within() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 2
  done
}
eventually() { eventually_within "$wait_seconds" "$@"; }

cleanup() {
  if [[ ${KEEP:-} == 1 ]]; then
    log "keeping namespace $namespace"
  else
    log "deleting namespace $namespace"
    if [[ $platform == openshift ]]; then
      oc delete project "$namespace" --wait=false >/dev/null # a project's admin may, a namespace's not
    else
      kubectl delete namespace "$namespace" --wait=false >/dev/null
    fi
  fi
}

# Kubernetes: the overlay, with the Secret that overlays like prod expect the operator to create
# (dev generates its own), through its Ingress.
deploy_on_kubernetes() {
  local overlay_dir=$here/overlays/${1:-dev}
  [[ -f $overlay_dir/kustomization.yaml ]] || fail "no overlay at $overlay_dir"
  log "context $(kubectl config current-context), overlay ${1:-dev}, namespace $namespace"
  kubectl create namespace "$namespace" >/dev/null
  trap cleanup EXIT
  kubectl -n "$namespace" create secret generic redis-auth \
    --from-literal=password="$(head -c 24 /dev/urandom | base64)" >/dev/null
  kubectl -n "$namespace" apply -k "$overlay_dir"
  wait_for_rollouts
  ingress_field() { kubectl -n "$namespace" get ingress/counter -o jsonpath="$1"; }
  if [[ -z ${COUNTER_URL:-} ]]; then
    log "waiting for the Ingress controller to publish an address"
    has_address() { [[ -n $(ingress_field '{.status.loadBalancer.ingress[0]}') ]]; }
    eventually has_address || fail "the Ingress got no address; set COUNTER_URL"
    COUNTER_URL=http://$(ingress_field '{.status.loadBalancer.ingress[0].ip}{.status.loadBalancer.ingress[0].hostname}')
  fi
  host=$(ingress_field '{.spec.rules[0].host}')
}

# OpenShift: the Template, as the Developer Catalog instantiates it (it makes the password and
# the host), with the builds from Git, through the Route over HTTPS.
deploy_on_openshift() {
  [[ -n ${GIT_URL:-} ]] || fail "set GIT_URL to a repository the cluster can read"
  local ref=${GIT_REF:-$(git -C "$here" rev-parse --abbrev-ref HEAD)}
  log "server $(oc whoami --show-server), $GIT_URL at $ref, project $namespace"
  oc new-project "$namespace" >/dev/null
  trap cleanup EXIT
  oc process -f "$here/../openshift/template.yaml" -p GIT_URL="$GIT_URL" -p GIT_REF="$ref" |
    oc -n "$namespace" apply -f -
  for build in web web-inc; do
    log "waiting for the build of $build"
    build_done() {
      local phase
      phase=$(oc -n "$namespace" get build "$build-1" -o jsonpath='{.status.phase}' 2>/dev/null || true)
      case $phase in
        Complete) return 0 ;;
        Failed | Error | Cancelled)
          oc -n "$namespace" logs "build/$build-1" | tail -n 30 >&2 || true
          fail "build $build-1: $phase"
          ;;
        *) return 1 ;;
      esac
    }
    eventually_within $((3 * wait_seconds)) build_done || fail "build $build-1 did not finish"
  done
  wait_for_rollouts
  if [[ -z ${COUNTER_URL:-} ]]; then
    route_host() { oc -n "$namespace" get route web -o jsonpath='{.status.ingress[0].host}'; }
    has_host() { [[ -n $(route_host) ]]; }
    eventually has_host || fail "the Route web got no host"
    COUNTER_URL=https://$(route_host)
  fi
  host=
}

wait_for_rollouts() {
  for workload in statefulset/redis deployment/web deployment/web-inc; do
    "$cli" -n "$namespace" rollout status "$workload" --timeout="${wait_seconds}s"
  done
}

if [[ $platform == openshift ]]; then
  deploy_on_openshift
else
  deploy_on_kubernetes "${1:-dev}"
fi

curl_options=(--fail --silent --show-error --max-time 5 --header 'Accept: text/plain')
[[ ${INSECURE:-} == 1 ]] && curl_options+=(--insecure)
[[ -n ${host:-} ]] && curl_options+=(--header "Host: $host")
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
log "passed on $platform: /inc counted $((start + 1)), $((start + 2)), $((start + 3)) and / answered $((start + 3))"
