#!/usr/bin/env bash
# Stops what up.sh started (engines, their containerds, registries) and removes the engines'
# bridges. Idempotent. Installed packages and the state dir (images, registry data, downloaded
# debs) are kept, so the next up.sh only has to start things.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

STOP_TIMEOUT=40   # dockerd gives running containers 15s before it kills them

# Sends SIGTERM to the process in each pid FILE (if it is ours and alive), then waits for all.
stop_pids() {
  local f pid pids=() deadline
  for f; do
    if pid=$(our_pid "$f"); then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  [ ${#pids[@]} -gt 0 ] || return 0
  deadline=$((SECONDS + STOP_TIMEOUT))
  for pid in "${pids[@]}"; do
    while pid_running "$pid"; do
      if [ $SECONDS -ge $deadline ]; then
        say "pid $pid did not stop after ${STOP_TIMEOUT}s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.1
    done
  done
}

# On a private / mount dockerd bind-mounts its --data-root onto itself to make it shared, and
# unmounts it on shutdown only if that dockerd made the mount: after a crash and restart the
# mount outlives the daemon. Anything still mounted under the state dir once every process of
# ours is gone is such a leftover; without this, the state dir cannot be deleted.
unmount_leftovers() {
  local m
  awk -v dir="$ENGINES_DIR/" 'index($5, dir) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
    while read -r m; do umount "$m" || umount -l "$m"; done
}

main() {
  local e r files=() t0
  [ "$(id -u)" = 0 ] || die "must run as root"
  lock_state_dir
  t0=$(now)
  for e in $ENGINES; do files+=("$(engine_dir "$e")/launch.pid"); done
  for r in $REGISTRIES; do files+=("$(registry_dir "$r")/registry.pid"); done
  stop_pids "${files[@]}"

  # dockerd stops the containerd it supervises; one left behind by a killed dockerd goes now.
  files=()
  for e in $ENGINES; do files+=("$(engine_dir "$e")/run/containerd/containerd.pid"); done
  stop_pids "${files[@]}"

  unmount_leftovers

  for e in $ENGINES; do
    rm -f "$(engine_sock "$e")"
    if bridge_exists "$(engine_bridge "$e")"; then ip link del "$(engine_bridge "$e")"; fi
  done
  say "all down in $(since "$t0")"
}

main "$@"
