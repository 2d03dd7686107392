#!/bin/sh
# Builds what the npm package ships: ESM JavaScript and .d.ts in dist/, compiled
# from the .ts sources by TypeScript's tsc (relative .ts imports become .js).
# Run by `npm pack`/`npm publish` (prepack) and by tests/run.sh, so the suite tests what ships.
set -eu
cd "$(dirname "$0")/.."
rm -rf dist
./node_modules/.bin/tsc -p tsconfig.build.json
chmod +x dist/src/cli/bin.js
echo "package: built dist/ ($(find dist -type f | wc -l | tr -d ' ') files)" >&2
