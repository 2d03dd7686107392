#!/bin/sh
# The whole test suite, from a bare machine: installs the runtimes (from npm),
# starts the real engines, then runs every test on Deno and on Bun.
# Ends with the line "N passed, N failed[, N skipped]"; exits non-zero on any failure.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)

echo "test: installing dependencies and runtimes from npm"
# npm ci rejects the lock over the runtimes' optional per-platform packages; install honours it.
npm install --no-audit --no-fund --loglevel=error
DENO="$ROOT/node_modules/.bin/deno"
# What ships: the compiled package (dist/), packed and installed by tests/install/.
echo "test: building the package"
sh scripts/build_package.sh
BUN="$ROOT/node_modules/.bin/bun"

if [ "${DRYDOCK_NO_ENGINES:-}" = "1" ]; then
  echo "test: DRYDOCK_NO_ENGINES=1, integration tests will be skipped"
else
  echo "test: starting engines"
  bash tests/engines/up.sh >/dev/null
  set -a
  # shellcheck disable=SC1091
  . "${DRYDOCK_ENGINES_DIR:-/tmp/drydock-engines}/engines.env"
  set +a
  # Repeated runs on one machine pile up build cache (tens of GB); CI machines start empty.
  free_kb=$(df -Pk "${DRYDOCK_ENGINES_DIR:-/tmp/drydock-engines}" | awk 'NR==2 {print $4}')
  if [ "${free_kb:-0}" -lt $((20 * 1024 * 1024)) ]; then
    echo "test: less than 20 GiB free, pruning the engines' build caches"
    for host in "$DRYDOCK_DK26C_HOST" "$DRYDOCK_DK26_HOST" "$DRYDOCK_DK20_HOST" "$DRYDOCK_DK28_HOST"; do
      DOCKER_HOST="$host" /usr/bin/docker builder prune -af >/dev/null 2>&1 || true
    done
  fi
fi

# The live-progress test drives a build inside tmux; a bare CI machine gets Debian's package.
if ! command -v tmux >/dev/null 2>&1; then
  echo "test: installing tmux"
  SUDO=""
  [ "$(id -u)" = "0" ] || SUDO="sudo"
  { $SUDO apt-get install -y tmux || { $SUDO apt-get update && $SUDO apt-get install -y tmux; }; } >/dev/null 2>&1 ||
    echo "test: could not install tmux; the terminal test will be skipped"
fi

REPORTS=$(mktemp -d)
trap 'rm -rf "$REPORTS"' EXIT
status=0

echo "test: deno"
"$DENO" test -A --junit-path="$REPORTS/deno.xml" src/ proto/ tests/ || status=1
echo "deno exit $status" > "$REPORTS/deno.exit"

echo "test: bun"
bun_status=0
"$BUN" test --timeout 300000 --reporter=junit --reporter-outfile="$REPORTS/bun.xml" src/ proto/ tests/ || bun_status=1
# bun's junit reporter prints nothing, so run the summary from its report below.
[ $bun_status -eq 0 ] || status=1

"$DENO" run -A tests/summarize.ts "$REPORTS/deno.xml:$([ -s "$REPORTS/deno.xml" ] && echo ok || echo missing)" \
  "$REPORTS/bun.xml:$([ -s "$REPORTS/bun.xml" ] && echo ok || echo missing)" "$status"
