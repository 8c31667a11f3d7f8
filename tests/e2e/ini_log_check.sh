#!/usr/bin/env bash
# An INI entry whose handler logs through the SAPI and refuses the value is
# handled once, as by the CLI: builds fixtures/ext-ini-log with phpize (the
# extension author's loop), checks that the build's CLI prints the message
# once, then that phptrun, given the module through TEST_PHP_ARGS, PASSes
# fixtures/ext-ini-log/tests (whose EXPECT holds the message once).
# Needs $PHPTRUN, $PHPIZE, $PHP_CONFIG, $PHP_CLI; run from the source root.
set -uo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r fixtures/ext-ini-log "$tmp/ext"
cd "$tmp/ext"
if ! { "$PHPIZE" && ./configure --with-php-config="$PHP_CONFIG" && make; } >"$tmp/build.log" 2>&1; then
  echo "FAIL: building the test extension failed:"; tail -20 "$tmp/build.log"; exit 1
fi
args="-n -d extension_dir=$tmp/ext/modules/ -d extension=ini_log.so"
count=$("$PHP_CLI" $args -d ini_log.value=bad -r 'echo ini_get("ini_log.value"), "\n";' 2>&1 | grep -c "ini_log: refused")
[ "$count" = 1 ] || { echo "FAIL: the CLI printed the message $count times (ground truth expects once)"; exit 1; }
out=$(TEST_PHP_ARGS="$args" "$PHPTRUN" -q --show-diff --json "$tmp/r.json" tests 2>&1); status=$?
if [ $status != 0 ] || ! grep -q '"PASS": 1' "$tmp/r.json"; then
  echo "FAIL: phptrun status $status:"; echo "$out"; exit 1
fi
echo "ok   the refusing INI handler's message appears once, as in the CLI"
