#!/usr/bin/env bash
# Installs (once) and starts (if not running) the real BuildKit engines the tests use:
# four Docker Engine daemons (dk26c, dk26, dk20, dk28), two local registries (ports 5000 and
# 5001 with htpasswd auth) and a busybox base image in every engine and both registries;
# also installs openssh-client (ssh-agent, ssh-add, ssh-keygen) for the ssh forwarding tests.
# Then writes $DRYDOCK_ENGINES_DIR/engines.env and prints it.
#
# Root only; idempotent; a run with everything already up takes about a second. Engines that are
# running are left alone (never restarted), so a run that adds an engine does not disturb the others.
# No standalone buildkitd is installable here: the BuildKit embedded in Debian's Docker
# packages is what we get (see the project notes on real BuildKit).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

BOOKWORM_PKGS=(docker.io docker-registry apache2-utils curl iproute2 openssh-client)
TRIXIE_PKGS=(docker.io containerd docker-buildx)
# Docker 28.5 (BuildKit 0.25): sid's runc needs glibc 2.38, so bookworm's runc is used (as for 26).
SID_PKGS=(docker.io docker-cli containerd docker-buildx tini-static)
TRIXIE=$ENGINES_DIR/trixie           # dpkg -x root of the trixie debs
SID=$ENGINES_DIR/sid                 # dpkg -x root of the sid debs
BIN26=$ENGINES_DIR/bin26             # first on Docker 26's PATH
BIN28=$ENGINES_DIR/bin28             # first on Docker 28's PATH
BUILDX=$ENGINES_DIR/docker-config/cli-plugins/docker-buildx
BUILDX_NEW=$ENGINES_DIR/docker-config-28/cli-plugins/docker-buildx
BUSYBOX_TAR=$ENGINES_DIR/busybox/rootfs.tar
AUTH_DIR=$ENGINES_DIR/registry-auth
LOGS=$ENGINES_DIR/logs
READY_TIMEOUT=60

main() {
  local t0 e r
  t0=$(now)
  [ "$(id -u)" = 0 ] || die "must run as root"
  check_state_dir
  lock_state_dir
  mkdir -p "$LOGS"

  install_bookworm_packages
  fetch_trixie_debs
  make_bin26
  fetch_sid_debs
  make_bin28
  make_busybox_tar
  ensure_registry_password

  # Start everything that is down, then wait; the daemons boot in parallel.
  for e in $ENGINES; do start_engine "$e"; done
  for r in $REGISTRIES; do start_registry "$r"; done
  for e in $ENGINES; do wait_engine "$e"; done
  for r in $REGISTRIES; do wait_registry "$r"; done

  for e in $ENGINES; do import_busybox "$e"; done
  push_busybox open
  push_busybox auth

  write_env
  say "all up in $(since "$t0")"
  cat "$ENGINES_DIR/engines.env"
}

check_state_dir() {
  case $ENGINES_DIR in /*) ;; *) die "DRYDOCK_ENGINES_DIR must be absolute: $ENGINES_DIR" ;; esac
  # <dir>/dk26c/run/containerd/containerd.sock.ttrpc is the longest socket path (+47).
  [ ${#ENGINES_DIR} -le 60 ] || die "DRYDOCK_ENGINES_DIR is too long for unix sockets (max 60 chars)"
}

# Runs CMD... with output to LOG; on failure shows the end of LOG and fails.
logged() {
  local log=$1; shift
  if ! "$@" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    say "failed: $* (log: $log)" >&2
    return 1
  fi
}

# ---------------------------------------------------------------- packages

missing_packages() {
  local p
  for p; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -qx 'install ok installed' || echo "$p"
  done
}

# Runs an apt command so that no package postinst starts a service: invoke-rc.d and
# deb-systemd-invoke ask /usr/sbin/policy-rc.d first, and 101 means "forbidden". The system
# docker would otherwise claim /var/run/docker.sock and the system registry port 5000.
without_services() {
  local policy=/usr/sbin/policy-rc.d saved="" rc=0
  if [ -e $policy ]; then saved=$ENGINES_DIR/policy-rc.d.saved; cp -p $policy "$saved"; fi
  printf '#!/bin/sh\nexit 101\n' >$policy
  chmod 755 $policy
  DEBIAN_FRONTEND=noninteractive "$@" || rc=$?
  if [ -n "$saved" ]; then mv -f "$saved" $policy; else rm -f $policy; fi
  return $rc
}

install_bookworm_packages() {
  local missing t0
  mapfile -t missing < <(missing_packages "${BOOKWORM_PKGS[@]}")
  [ ${#missing[@]} -gt 0 ] || return 0
  t0=$(now)
  say "installing ${missing[*]} from bookworm"
  local install=(apt-get install -y -q --no-install-recommends "${missing[@]}")
  # A fresh machine may have no (or stale) package lists: update once and retry.
  if ! without_services "${install[@]}" >"$LOGS/apt-install.log" 2>&1; then
    logged "$LOGS/apt-update.log" apt-get update -q
    logged "$LOGS/apt-install.log" without_services "${install[@]}"
  fi
  disable_system_units
  say "installed in $(since "$t0")"
}

# Where systemd is the init, the postinsts enabled docker/containerd/registry for the next
# boot; those would take /var/run/docker.sock and port 5000. Without systemd nothing to do.
disable_system_units() {
  [ -d /run/systemd/system ] || return 0
  systemctl disable --now docker.socket docker.service containerd.service docker-registry.service \
    >/dev/null 2>&1 || true
}

# The main Debian archive URL this machine already uses (never hard-coded in the repo).
debian_archive_url() {
  local f=/etc/apt/sources.list.d/debian.sources url=""
  if [ -r $f ]; then
    url=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' $f)
  fi
  if [ -z "$url" ] && [ -r /etc/apt/sources.list ]; then
    url=$(awk '$1 == "deb" && !/security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { print $i; exit } }' \
      /etc/apt/sources.list)
  fi
  [ -n "$url" ] || die "no Debian archive URL found in /etc/apt sources"
  echo "$url"
}

# Debian debs of another suite (trixie, sid) are downloaded with a private sources list, lists dir
# and cache (the system's apt config is untouched), then only unpacked with dpkg -x, never installed.
# The archive URL is the one this machine already uses, read at run time.
# Usage: fetch_debs SUITE ROOT PKG...
fetch_debs() {
  local suite=$1 root=$2 apt t0 p; shift 2
  [ -f "$root/.unpacked" ] && return 0
  apt=$ENGINES_DIR/apt
  [ "$suite" = trixie ] || apt=$ENGINES_DIR/apt-$suite
  t0=$(now)
  say "fetching $* from $suite"
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/debs"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(debian_archive_url) $suite main" \
    >"$apt/$suite.list"
  local opts=(
    -q -o "Dir::Etc::sourcelist=$apt/$suite.list" -o Dir::Etc::sourceparts=/nonexistent
    -o Dir::Etc::preferencesparts=/nonexistent -o "Dir::State::Lists=$apt/lists"
    -o "Dir::Cache=$apt/cache" -o APT::Sandbox::User=root
  )
  rm -f "$apt/debs/"*.deb
  logged "$LOGS/apt-$suite-update.log" apt-get "${opts[@]}" update
  (cd "$apt/debs" && logged "$LOGS/apt-$suite-download.log" apt-get "${opts[@]}" download "$@")
  rm -rf "$root"
  mkdir -p "$root"
  for p; do dpkg -x "$apt/debs/${p}"_*.deb "$root"; done
  touch "$root/.unpacked"
  say "$suite debs unpacked in $(since "$t0"): $(cd "$apt/debs" && ls -- *.deb | tr '\n' ' ')"
}

# Docker 26.1 comes from trixie.
fetch_trixie_debs() {
  fetch_debs trixie "$TRIXIE" "${TRIXIE_PKGS[@]}"
  mkdir -p "$(dirname "$BUILDX")"
  ln -sfn "$TRIXIE/usr/libexec/docker/cli-plugins/docker-buildx" "$BUILDX"
}

# Docker 28.5 comes from sid, with its CLI and buildx (the newer reference client).
fetch_sid_debs() {
  fetch_debs sid "$SID" "${SID_PKGS[@]}"
  mkdir -p "$(dirname "$BUILDX_NEW")"
  ln -sfn "$SID/usr/libexec/docker/cli-plugins/docker-buildx" "$BUILDX_NEW"
}

# Docker 26 finds containerd, the shim, runc, docker-init and docker-proxy on its PATH.
# runc is bookworm's: trixie's needs glibc 2.38. docker-init is tini-static, which trixie's
# docker.io only symlinks (from the separate tini package); bookworm's tini provides it.
make_bin26() {
  local b
  mkdir -p "$BIN26"
  for b in containerd containerd-shim-runc-v2 ctr; do ln -sfn "$TRIXIE/usr/bin/$b" "$BIN26/$b"; done
  ln -sfn "$TRIXIE/usr/sbin/docker-proxy" "$BIN26/docker-proxy"
  ln -sfn /usr/bin/tini-static "$BIN26/docker-init"
  ln -sfn /usr/sbin/runc "$BIN26/runc"
}

# Docker 28 the same way, from sid; each binary must load on this machine's glibc.
make_bin28() {
  local b f
  for f in "$SID/usr/sbin/dockerd --version" "$SID/usr/bin/containerd --version" \
    "$SID/usr/bin/containerd-shim-runc-v2 -v" "$SID/usr/bin/docker --version"; do
    $f >/dev/null 2>&1 || die "${f% *} does not run here: $($f 2>&1 | tail -n 1)"
  done
  mkdir -p "$BIN28"
  for b in containerd containerd-shim-runc-v2 ctr; do ln -sfn "$SID/usr/bin/$b" "$BIN28/$b"; done
  ln -sfn "$SID/usr/sbin/docker-proxy" "$BIN28/docker-proxy"
  ln -sfn "$SID/usr/bin/tini-static" "$BIN28/docker-init"
  ln -sfn /usr/sbin/runc "$BIN28/runc"
}

# ---------------------------------------------------------------- busybox base image

# No registry on the internet is reachable, so the base image is built from Debian's
# busybox-static: bin/busybox plus one symlink per applet, and a minimal /etc.
make_busybox_tar() {
  [ -s "$BUSYBOX_TAR" ] && return 0
  local d=$ENGINES_DIR/busybox applet
  say "making busybox base image from busybox-static"
  rm -rf "$d"
  mkdir -p "$d/deb"
  (cd "$d/deb" && logged "$LOGS/apt-busybox.log" apt-get -q -o APT::Sandbox::User=root download busybox-static)
  dpkg -x "$d/deb/"busybox-static_*.deb "$d/pkg"
  mkdir -p "$d/rootfs/bin" "$d/rootfs/etc" "$d/rootfs/root" "$d/rootfs/tmp"
  chmod 1777 "$d/rootfs/tmp"
  chmod 700 "$d/rootfs/root"
  cp "$d/pkg/bin/busybox" "$d/rootfs/bin/busybox"
  for applet in $("$d/rootfs/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$d/rootfs/bin/$applet"
  done
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' \
    >"$d/rootfs/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' >"$d/rootfs/etc/group"
  # Fixed order, owners and times: the layer digest is the same on every machine.
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$d/rootfs" -cf "$BUSYBOX_TAR.tmp" .
  mv "$BUSYBOX_TAR.tmp" "$BUSYBOX_TAR"
}

# curl against an engine's Engine API (unversioned paths: every daemon takes its own version).
api() {
  local sock=$1 method=$2 path=$3; shift 3
  curl -sS --max-time 120 --unix-socket "$sock" -X "$method" "$@" "http://engine$path"
}

# Some endpoints (create, push) answer 200 and report failure inside the JSON stream.
check_stream() {
  local what=$1 out=$2
  if grep -q '"error"' "$out"; then
    cat "$out" >&2
    die "$what failed"
  fi
}

import_busybox() {
  local e=$1 sock code out t0
  sock=$(engine_sock "$e")
  code=$(api "$sock" GET /images/busybox:latest/json -o /dev/null -w '%{http_code}')
  [ "$code" = 200 ] && return 0
  t0=$(now)
  out=$ENGINES_DIR/$e/import.out
  # changes = "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" and 'CMD ["sh"]'
  local env='ENV%20PATH%3D%2Fusr%2Flocal%2Fsbin%3A%2Fusr%2Flocal%2Fbin%3A%2Fusr%2Fsbin%3A%2Fusr%2Fbin%3A%2Fsbin%3A%2Fbin'
  local cmd='CMD%20%5B%22sh%22%5D'
  code=$(api "$sock" POST "/images/create?fromSrc=-&repo=busybox&tag=latest&changes=$env&changes=$cmd" \
    -H 'Content-Type: application/x-tar' --data-binary "@$BUSYBOX_TAR" -o "$out" -w '%{http_code}')
  [ "$code" = 200 ] || { cat "$out" >&2; die "importing busybox into $e: HTTP $code"; }
  check_stream "importing busybox into $e" "$out"
  say "busybox:latest imported into $e in $(since "$t0")"
}

# Base64url of JSON, as the X-Registry-Auth header wants it.
registry_auth_header() { printf '%s' "$1" | base64 -w0 | tr '+/' '-_'; }

push_busybox() {
  local r=$1 port repo curl_auth=() auth='{}' sock out code t0
  port=$(registry_port "$r")
  repo=localhost:$port/busybox
  if [ "$r" = auth ]; then
    curl_auth=(-u "$REGISTRY_USER:$(cat "$AUTH_DIR/password")")
    auth=$(printf '{"username":"%s","password":"%s","serveraddress":"localhost:%s"}' \
      "$REGISTRY_USER" "$(cat "$AUTH_DIR/password")" "$port")
  fi
  code=$(curl -s -o /dev/null -w '%{http_code}' "${curl_auth[@]}" -I \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json' \
    "http://127.0.0.1:$port/v2/busybox/manifests/latest")
  [ "$code" = 200 ] && return 0
  t0=$(now)
  sock=$(engine_sock dk26c)
  out=$ENGINES_DIR/dk26c/push-$r.out
  code=$(api "$sock" POST "/images/busybox:latest/tag?repo=$repo&tag=latest" -o "$out" -w '%{http_code}')
  [ "$code" = 201 ] || { cat "$out" >&2; die "tagging $repo: HTTP $code"; }
  code=$(api "$sock" POST "/images/$repo/push?tag=latest" -H "X-Registry-Auth: $(registry_auth_header "$auth")" \
    -o "$out" -w '%{http_code}')
  [ "$code" = 200 ] || { cat "$out" >&2; die "pushing $repo: HTTP $code"; }
  check_stream "pushing $repo" "$out"
  say "pushed $repo:latest in $(since "$t0")"
}

# ---------------------------------------------------------------- engines

ensure_bridge() {
  local br=$1 cidr=$2
  bridge_exists "$br" || ip link add name "$br" type bridge
  ip -4 addr show dev "$br" | grep -qF "inet $cidr " || ip addr add "$cidr" dev "$br"
  ip link set "$br" up
}

# Starts CMD... detached in its own session (it must outlive this script and the CI step that
# ran it, and get no terminal signals); the shell records its pid, then execs CMD in place.
launch() {
  local pidfile=$1 log=$2; shift 2
  rm -f "$pidfile"
  printf '=== %s\n' "$(date -u +%FT%TZ)" >>"$log"
  # From /: a daemon keeps the working directory it starts in, and the engine runs git there (ADD <git>,
  # git()); a CI checkout deleted after its run left engines whose git failed ("unable to get current
  # working directory").
  # shellcheck disable=SC2016  # $$, $0 and $@ belong to the inner sh
  (cd / && exec setsid sh -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" >>"$log" 2>&1 </dev/null 9>&-) &
  for _ in $(seq 50); do [ -s "$pidfile" ] && return 0; sleep 0.1; done
  die "could not start $* (no pid in $pidfile)"
}

# After a dockerd crash: dockerd refuses to start while the pid in its --pidfile exists, and
# its containerd supervisor waits for (20.10: times out on) the pid in containerd.pid. Such a
# pid may be a zombie, a recycled pid, or an orphaned containerd of ours (stopped here).
clear_crash_leftovers() {
  local dir=$1 pid
  if pid=$(our_pid "$dir/run/containerd/containerd.pid"); then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do pid_running "$pid" || break; sleep 0.1; done
  fi
  rm -f "$dir/dockerd.pid" "$dir/run/containerd/containerd.pid"
}

# A stopped engine starts from an empty --data-root (up.sh imports busybox again). The state dir
# outlives runs on one machine, and an engine's BuildKit cache grew to tens of thousands of records
# over many suite runs; Docker 26.1 with the containerd store walks all of them at boot under a
# fixed deadline and then exits with "context deadline exceeded". No test relies on a cache from an
# earlier run. DRYDOCK_ENGINES_KEEP_DATA=1 keeps the data (e.g. to look at an engine after a crash).
fresh_data_root() {
  local e=$1 dir=$2 m
  [ -d "$dir/data" ] || return 0
  if [ "${DRYDOCK_ENGINES_KEEP_DATA:-}" = 1 ]; then say "$e: keeping its data (DRYDOCK_ENGINES_KEEP_DATA=1)"; return 0; fi
  # A killed dockerd can leave its self bind-mount and overlay mounts behind (see down.sh).
  awk -v d="$dir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
    while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
  rm -rf "$dir/data"
}

engine_ping() { [ "$(curl -s --max-time 2 --unix-socket "$1" http://engine/_ping 2>/dev/null)" = OK ]; }

start_engine() {
  local e=$1 dir sock dockerd path
  dir=$(engine_dir "$e")
  sock=$(engine_sock "$e")
  if engine_ping "$sock"; then rm -f "$dir/started"; return 0; fi
  our_pid "$dir/launch.pid" >/dev/null && return 0   # still booting: wait_engine waits
  # dockerd uses a containerd socket at this fixed path instead of starting its own.
  [ ! -S /run/containerd/containerd.sock ] ||
    die "a system containerd is running (/run/containerd/containerd.sock); the engines would share it. Stop it first."
  mkdir -p "$dir"
  clear_crash_leftovers "$dir"
  fresh_data_root "$e" "$dir"
  ensure_bridge "$(engine_bridge "$e")" "$(engine_cidr "$e")"
  # Docker 28 still defaults to the graphdriver store: the containerd store is opt-in there too.
  case $e in
    dk26c | dk28) echo '{"features":{"containerd-snapshotter":true}}' >"$dir/daemon.json" ;;
    *) echo '{}' >"$dir/daemon.json" ;;
  esac
  local extra=()
  case $e in
    dk20) dockerd=/usr/sbin/dockerd path=/usr/sbin:/usr/bin:/sbin:/bin ;;
    # 28 defaults to --ip6tables=true.
    dk28) dockerd=$SID/usr/sbin/dockerd path=$BIN28:/usr/sbin:/usr/bin:/sbin:/bin extra=(--ip6tables=false) ;;
    *) dockerd=$TRIXIE/usr/sbin/dockerd path=$BIN26:/usr/sbin:/usr/bin:/sbin:/bin ;;
  esac
  # No --containerd: each dockerd supervises its own containerd, whose state, root and
  # sockets live under its --exec-root/--data-root, so the daemons share nothing.
  # A clean environment: no inherited DOCKER_*, proxies or locale reach the daemon.
  date +%s.%N >"$dir/started"
  launch "$dir/launch.pid" "$dir/dockerd.log" env -i "PATH=$path" "HOME=$dir" \
    "$dockerd" --data-root "$dir/data" --exec-root "$dir/run" --pidfile "$dir/dockerd.pid" \
    --host "unix://$sock" --config-file "$dir/daemon.json" \
    --bridge "$(engine_bridge "$e")" --iptables=false --ip-masq=false "${extra[@]}"
}

# Docker 26.1 with the containerd store exits at boot ("context deadline exceeded" right after
# "Daemon has completed initialization") when its BuildKit worker is not ready within a fixed
# deadline; a large cache (see fresh_data_root) or four daemons booting at once on two cores can
# cause it. An engine that exits while booting is started again, twice at most.
BOOT_ATTEMPTS=3

wait_engine() {
  local e=$1 dir sock deadline attempt=1
  dir=$(engine_dir "$e")
  sock=$(engine_sock "$e")
  deadline=$((SECONDS + READY_TIMEOUT))
  until engine_ping "$sock"; do
    if ! our_pid "$dir/launch.pid" >/dev/null; then
      if [ $attempt -lt $BOOT_ATTEMPTS ]; then
        say "$e exited while starting ($(tail -n 1 "$dir/dockerd.log")); starting it again"
        attempt=$((attempt + 1))
        start_engine "$e"
        deadline=$((SECONDS + READY_TIMEOUT))
        continue
      fi
      tail -n 30 "$dir/dockerd.log" >&2
      die "$e exited while starting, $BOOT_ATTEMPTS times (log: $dir/dockerd.log)"
    fi
    if [ $SECONDS -ge $deadline ]; then
      tail -n 30 "$dir/dockerd.log" >&2
      die "$e not ready after ${READY_TIMEOUT}s (log: $dir/dockerd.log)"
    fi
    sleep 0.1
  done
  if [ -f "$dir/started" ]; then
    say "$e ready in $(since "$(cat "$dir/started")")"
    rm -f "$dir/started"
  fi
}

# ---------------------------------------------------------------- registries

# The auth registry's password is made once and kept, so engines.env stays valid.
ensure_registry_password() {
  mkdir -p "$AUTH_DIR"
  chmod 700 "$AUTH_DIR"
  if [ ! -s "$AUTH_DIR/password" ]; then
    head -c 32 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9' | head -c 24 >"$AUTH_DIR/password.tmp"
    mv "$AUTH_DIR/password.tmp" "$AUTH_DIR/password"
    rm -f "$AUTH_DIR/htpasswd"
  fi
  if [ ! -s "$AUTH_DIR/htpasswd" ]; then
    # distribution's htpasswd backend only accepts bcrypt (-B).
    htpasswd -Bbn "$REGISTRY_USER" "$(cat "$AUTH_DIR/password")" >"$AUTH_DIR/htpasswd"
  fi
}

registry_code() { curl -s -o /dev/null --max-time 2 -w '%{http_code}' "http://127.0.0.1:$1/v2/" || true; }

registry_ready() {
  case $(registry_code "$(registry_port "$1")") in
    200) [ "$1" = open ] ;;
    401) [ "$1" = auth ] ;;
    *) return 1 ;;
  esac
}

write_registry_config() {
  local r=$1 dir port
  dir=$(registry_dir "$r")
  port=$(registry_port "$r")
  mkdir -p "$dir/data"
  {
    echo "version: 0.1"
    echo "log: {level: info}"
    echo "storage:"
    echo "  filesystem: {rootdirectory: $dir/data}"
    echo "  delete: {enabled: true}"
    echo "http: {addr: 127.0.0.1:$port}"
    if [ "$r" = auth ]; then
      echo "auth:"
      echo "  htpasswd: {realm: drydock, path: $AUTH_DIR/htpasswd}"
    fi
  } >"$dir/config.yml"
}

start_registry() {
  local r=$1 dir port
  dir=$(registry_dir "$r")
  port=$(registry_port "$r")
  if our_pid "$dir/registry.pid" >/dev/null; then rm -f "$dir/started"; return 0; fi
  [ "$(registry_code "$port")" = 000 ] || die "port $port is taken by a process that is not ours"
  write_registry_config "$r"
  date +%s.%N >"$dir/started"
  launch "$dir/registry.pid" "$dir/registry.log" env -i PATH=/usr/bin:/bin \
    /usr/bin/docker-registry serve "$dir/config.yml"
}

wait_registry() {
  local r=$1 dir deadline
  dir=$(registry_dir "$r")
  deadline=$((SECONDS + READY_TIMEOUT))
  until registry_ready "$r"; do
    if ! our_pid "$dir/registry.pid" >/dev/null || [ $SECONDS -ge $deadline ]; then
      tail -n 30 "$dir/registry.log" >&2
      die "registry on port $(registry_port "$r") did not start (log: $dir/registry.log)"
    fi
    sleep 0.1
  done
  if [ -f "$dir/started" ]; then
    say "registry on 127.0.0.1:$(registry_port "$r") ready in $(since "$(cat "$dir/started")")"
    rm -f "$dir/started"
  fi
}

# ---------------------------------------------------------------- output

write_env() {
  local f=$ENGINES_DIR/engines.env
  {
    echo "DRYDOCK_ENGINES_DIR=$ENGINES_DIR"
    echo "DRYDOCK_DK26C_HOST=unix://$(engine_sock dk26c)"
    echo "DRYDOCK_DK26_HOST=unix://$(engine_sock dk26)"
    echo "DRYDOCK_DK20_HOST=unix://$(engine_sock dk20)"
    echo "DRYDOCK_DK28_HOST=unix://$(engine_sock dk28)"
    echo "DRYDOCK_REGISTRY=localhost:$(registry_port open)"
    echo "DRYDOCK_AUTH_REGISTRY=localhost:$(registry_port auth)"
    echo "DRYDOCK_AUTH_REGISTRY_USER=$REGISTRY_USER"
    echo "DRYDOCK_AUTH_REGISTRY_PASSWORD=$(cat "$AUTH_DIR/password")"
    echo "DRYDOCK_BUILDX=$BUILDX"
    echo "DRYDOCK_BUILDX_NEW=$BUILDX_NEW"
    echo "DRYDOCK_DOCKER_NEW=$SID/usr/bin/docker"
  } >"$f.tmp"
  mv "$f.tmp" "$f"
}

main "$@"
