#!/usr/bin/env bash
# Proves the engines started by up.sh do real BuildKit work, with the reference clients
# (bookworm's docker 20.10 CLI, the trixie buildx 0.13 and sid buildx 0.29 plugins), not with drydock:
#   - a Dockerfile with a RUN step builds on dk26c, dk26, dk20 and dk28, all at the same time;
#   - buildx on dk26c exports an image and pushes it to both registries (the auth one with
#     credentials), then pulls from the auth registry in a FROM;
#   - the newer buildx, as a plugin of the 28.5 CLI, builds on dk28 and loads the image there.
# Cleans up the images and registry tags it made. Exit status 0 = all good.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

ENV_FILE=$ENGINES_DIR/engines.env
[ -r "$ENV_FILE" ] || die "no $ENV_FILE: run up.sh first"
# shellcheck source=/dev/null
. "$ENV_FILE"

DOCKER=/usr/bin/docker        # the 20.10 CLI; it negotiates the API version with each daemon
REPO=drydock-engines-check
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

engine_host() {
  case $1 in
    dk26c) echo "$DRYDOCK_DK26C_HOST" ;; dk26) echo "$DRYDOCK_DK26_HOST" ;;
    dk20) echo "$DRYDOCK_DK20_HOST" ;; dk28) echo "$DRYDOCK_DK28_HOST" ;;
  esac
}

# A build with a RUN step on one engine; the RUN output must show up in the progress.
build_on() {
  local e=$1 token=hi-$1-$$
  printf 'FROM busybox\nRUN echo %s > /x && cat /x\n' "$token" |
    DOCKER_HOST=$(engine_host "$e") DOCKER_BUILDKIT=1 $DOCKER build --no-cache --progress=plain -t "$REPO:$e" - \
      >"$WORK/build-$e.log" 2>&1 || return 1
  grep -q "^#[0-9]* [0-9.]* $token\$" "$WORK/build-$e.log"
}

parallel_builds() {
  local e pids=() failed=0 i=0 t0
  t0=$(now)
  for e in $ENGINES; do build_on "$e" & pids+=($!); done
  for e in $ENGINES; do
    if wait "${pids[$i]}"; then
      say "check: RUN build on $e ok"
    else
      cat "$WORK/build-$e.log" >&2
      say "check: RUN build on $e FAILED" >&2
      failed=1
    fi
    i=$((i + 1))
    DOCKER_HOST=$(engine_host "$e") $DOCKER rmi "$REPO:$e" >/dev/null 2>&1 || true
  done
  [ $failed = 0 ] || die "builds failed"
  say "check: parallel builds took $(since "$t0")"
}

# Deletes REPO:TAG from a registry (storage.delete is enabled in up.sh's config).
registry_delete() {
  local base=$1 tag=$2 digest; shift 2
  digest=$(curl -sI "$@" \
    -H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json' \
    "$base/v2/$REPO/manifests/$tag" | tr -d '\r' | awk 'tolower($1) == "docker-content-digest:" { print $2 }')
  [ -z "$digest" ] || curl -sf -X DELETE "$@" "$base/v2/$REPO/manifests/$digest" >/dev/null
}

buildx_push() {
  local cfg=$WORK/docker-config auth_b64 t0
  t0=$(now)
  # A private docker config holding the plugin and the auth registry's credentials.
  mkdir -p "$cfg/cli-plugins"
  ln -s "$DRYDOCK_BUILDX" "$cfg/cli-plugins/docker-buildx"
  auth_b64=$(printf '%s:%s' "$DRYDOCK_AUTH_REGISTRY_USER" "$DRYDOCK_AUTH_REGISTRY_PASSWORD" | base64 -w0)
  printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$DRYDOCK_AUTH_REGISTRY" "$auth_b64" >"$cfg/config.json"

  printf 'FROM busybox\nRUN echo pushed > /x\n' |
    DOCKER_CONFIG=$cfg DOCKER_HOST=$DRYDOCK_DK26C_HOST $DOCKER buildx build --progress=plain \
      --output "type=image,name=$DRYDOCK_REGISTRY/$REPO:1,push=true" - >"$WORK/push.log" 2>&1 ||
    { cat "$WORK/push.log" >&2; die "buildx push to $DRYDOCK_REGISTRY failed"; }
  printf 'FROM %s/busybox\nRUN echo pushed > /y\n' "$DRYDOCK_AUTH_REGISTRY" |
    DOCKER_CONFIG=$cfg DOCKER_HOST=$DRYDOCK_DK26C_HOST $DOCKER buildx build --progress=plain --pull \
      --output "type=image,name=$DRYDOCK_AUTH_REGISTRY/$REPO:1,push=true" - >"$WORK/push-auth.log" 2>&1 ||
    { cat "$WORK/push-auth.log" >&2; die "buildx pull/push with $DRYDOCK_AUTH_REGISTRY failed"; }

  local open=http://127.0.0.1:${DRYDOCK_REGISTRY##*:} auth=http://127.0.0.1:${DRYDOCK_AUTH_REGISTRY##*:}
  local cred=(-u "$DRYDOCK_AUTH_REGISTRY_USER:$DRYDOCK_AUTH_REGISTRY_PASSWORD")
  curl -sf "$open/v2/$REPO/tags/list" | grep -q '"1"' || die "$DRYDOCK_REGISTRY has no $REPO:1"
  curl -sf "${cred[@]}" "$auth/v2/$REPO/tags/list" | grep -q '"1"' || die "$DRYDOCK_AUTH_REGISTRY has no $REPO:1"
  say "check: buildx on dk26c pushed to $DRYDOCK_REGISTRY and $DRYDOCK_AUTH_REGISTRY in $(since "$t0")"

  registry_delete "$open" 1
  registry_delete "$auth" 1 "${cred[@]}"
  DOCKER_HOST=$DRYDOCK_DK26C_HOST $DOCKER rmi "$DRYDOCK_REGISTRY/$REPO:1" "$DRYDOCK_AUTH_REGISTRY/$REPO:1" >/dev/null 2>&1 || true
}

buildx_new_build() {
  local cfg=$WORK/docker-config-new t0
  t0=$(now)
  mkdir -p "$cfg/cli-plugins"
  ln -s "$DRYDOCK_BUILDX_NEW" "$cfg/cli-plugins/docker-buildx"
  printf 'FROM busybox\nRUN echo new > /x\n' |
    DOCKER_CONFIG=$cfg DOCKER_HOST=$DRYDOCK_DK28_HOST "$DRYDOCK_DOCKER_NEW" buildx build --progress=plain \
      -t "$REPO:new" - >"$WORK/new.log" 2>&1 || { cat "$WORK/new.log" >&2; die "buildx $($DRYDOCK_BUILDX_NEW version) on dk28 failed"; }
  DOCKER_HOST=$DRYDOCK_DK28_HOST $DOCKER image inspect "$REPO:new" >/dev/null || die "dk28 has no $REPO:new"
  DOCKER_HOST=$DRYDOCK_DK28_HOST $DOCKER rmi "$REPO:new" >/dev/null 2>&1 || true
  say "check: $("$DRYDOCK_BUILDX_NEW" version | awk '{ print $1, $2 }') on dk28 built and loaded an image in $(since "$t0")"
}

parallel_builds
buildx_push
buildx_new_build
say "check: all good"
