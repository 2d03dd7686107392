#!/bin/sh
# The context upload benchmark, from a bare machine: starts the engines, then runs bench/bench.ts
# (buildx vs drydock on Deno and Bun, on dk26c). Arguments go to bench.ts, e.g. --runs 9 --shapes small.
# Generated contexts stay in ${TMPDIR:-/tmp}/drydock-bench between runs; delete that folder to regenerate.
set -eu
cd "$(dirname "$0")/.."
[ -x node_modules/.bin/deno ] || npm install --no-audit --no-fund --loglevel=error
bash tests/engines/up.sh >/dev/null
set -a
# shellcheck disable=SC1091
. "${DRYDOCK_ENGINES_DIR:-/tmp/drydock-engines}/engines.env"
set +a
exec node_modules/.bin/deno run -A bench/bench.ts "$@"
