#!/bin/sh
set -e
out=$(sh ./app.sh)
[ "$out" = "the app says hi" ] && echo "1 test passed"
