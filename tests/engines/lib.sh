# Shared by up.sh, down.sh and check.sh (sourced, not executed): names, paths, small helpers.
#
# Everything lives in one state dir. Unix socket paths must stay under 108 bytes, and the
# deepest ones are dockerd's private containerd sockets (<dir>/<engine>/run/containerd/...),
# so the dir path is kept short (checked in check_state_dir).

# shellcheck disable=SC2034  # the variables here are used by the scripts that source this file
ENGINES_DIR=${DRYDOCK_ENGINES_DIR:-/tmp/drydock-engines}

# dk26c: Docker 26.1 with the containerd image store (the primary engine);
# dk26:  the same dockerd with the overlay2 graphdriver store;
# dk20:  Docker 20.10 from bookworm;
# dk28:  Docker 28.5 from sid (BuildKit 0.25) with the containerd image store.
ENGINES="dk26c dk26 dk20 dk28"

# Two plain-HTTP registries on loopback: "open" has no auth, "auth" uses htpasswd.
REGISTRIES="open auth"
REGISTRY_USER=drydock

say() { printf 'engines: %s\n' "$*"; }
die() { say "ERROR: $*" >&2; exit 1; }

now() { date +%s.%N; }
# Seconds elapsed since a `now` value, e.g. "3.1s".
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

engine_dir()  { echo "$ENGINES_DIR/$1"; }
engine_sock() { echo "$ENGINES_DIR/$1.sock"; }
# Every engine gets its own bridge: dockerds sharing docker0 delete it under each other
# (RUN steps then fail with "network bridge not found"). Interface names max 15 chars.
engine_bridge() { echo "dd-$1"; }
engine_cidr() {
  case $1 in
    dk26c) echo 172.30.1.1/24 ;;
    dk26)  echo 172.30.2.1/24 ;;
    dk20)  echo 172.30.3.1/24 ;;
    dk28)  echo 172.30.4.1/24 ;;
    *) die "unknown engine $1" ;;
  esac
}

registry_dir()  { echo "$ENGINES_DIR/registry-$1"; }
registry_port() { case $1 in open) echo 5000 ;; auth) echo 5001 ;; *) die "unknown registry $1" ;; esac; }

# Serializes up.sh/down.sh runs (e.g. two CI jobs). Anything started while holding the lock
# must not inherit fd 9, or the lock would live as long as that process (see launch in up.sh).
lock_state_dir() {
  mkdir -p "$ENGINES_DIR"
  exec 9>"$ENGINES_DIR/.lock"
  flock 9
}

# The pid stored in FILE, if that process is alive and is one of ours (its command line
# mentions the state dir), so a stale file with a recycled pid never makes us signal a stranger.
our_pid() {
  local pid
  [ -s "$1" ] || return 1
  pid=$(cat "$1")
  case $pid in '' | *[!0-9]*) return 1 ;; esac
  pid_running "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$ENGINES_DIR/" || return 1
  echo "$pid"
}

# True if PID exists and is not a zombie (a zombie still answers kill -0).
pid_running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

bridge_exists() { ip link show dev "$1" >/dev/null 2>&1; }
