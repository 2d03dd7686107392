#!/bin/sh
# Runs an example build end to end, from a bare machine:
#   sh examples/run.sh [example] [deno|bun]      (npm run example)
# Installs the runtimes from npm and, when no engine is reachable (no
# BUILDKIT_HOST or DOCKER_HOST, no /var/run/docker.sock), starts the
# project's own Docker Engine (tests/engines/up.sh, needs root) and uses it.
set -eu
cd "$(dirname "$0")/.."
EXAMPLE=${1:-hello}
RUNTIME=${2:-deno}

echo "example: installing runtimes from npm"
npm install --no-audit --no-fund --loglevel=error

if [ -z "${BUILDKIT_HOST:-}" ] && [ -z "${DOCKER_HOST:-}" ] && [ ! -S /var/run/docker.sock ]; then
  echo "example: no engine configured; starting the project's engines (tests/engines/up.sh)"
  bash tests/engines/up.sh >/dev/null
  DOCKER_HOST=$(sed -n 's/^DRYDOCK_DK26C_HOST=//p' "${DRYDOCK_ENGINES_DIR:-/tmp/drydock-engines}/engines.env")
  export DOCKER_HOST
  echo "example: using DOCKER_HOST=$DOCKER_HOST"
fi

FILE="examples/$EXAMPLE/build.ts"
case "$RUNTIME" in
  deno) set -- node_modules/.bin/deno run -A "$FILE" ;;
  bun) set -- node_modules/.bin/bun "$FILE" ;;
  *) echo "example: runtime must be deno or bun" >&2; exit 2 ;;
esac
echo "example: $* --target hello --target files"
"$@" --target hello --target files
echo "example: files exported to examples/$EXAMPLE/out:"
ls -l "examples/$EXAMPLE/out/app"
