#!/usr/bin/env bash
# e2e.html: phptrun --html on fixtures/html (FAILs, SKIPs, a BORK, a resident
# LEAK, a same_output state-leak FAIL, hostile names and output), opened in
# Debian's headless Chromium and checked against the JSON report of the same
# run by html_check.js. Also saves the README's screenshot:
#   $BUILD_DIR/html-report.png  (copy it to docs/html-report.png to update it)
#
# Environment: PHPTRUN (the binary), BUILD_DIR (the CMake build directory,
# where `make browser-deps` installed playwright-core into browser/).
set -euo pipefail
: "${PHPTRUN:?}" "${BUILD_DIR:?}"
modules="$BUILD_DIR/browser/node_modules"
if [ ! -d "$modules/playwright-core" ]; then
  echo "e2e.html: $modules/playwright-core is missing: run 'make browser-deps' (make test does)" >&2
  exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# --profile: the page's per-extension charts need the tracer's spans.
status=0
"$PHPTRUN" -q -j2 --profile --timeout 20 --html "$out/report.html" --json "$out/report.json" \
  fixtures/html > "$out/console.txt" || status=$?
if [ "$status" -ne 1 ]; then
  cat "$out/console.txt"
  echo "e2e.html: phptrun exited $status; the fixtures FAIL on purpose, so 1 was expected" >&2
  exit 1
fi
echo "# report: $(stat -c %s "$out/report.html") bytes"
NODE_PATH="$modules" node tests/e2e/html_check.js "$out/report.html" "$out/report.json" \
  --screenshot "$BUILD_DIR/html-report.png"

# More cases than the page draws at once: "Show more" and permalinks.
mkdir -p "$out/many"
for i in $(seq -w 1 620); do
  printf -- '--TEST--\ncase %s\n--FILE--\n<?php echo "ok";\n--EXPECT--\nok\n' "$i" > "$out/many/c$i.phpt"
done
"$PHPTRUN" -q -j2 --html "$out/many.html" --json "$out/many.json" "$out/many" > "$out/many.txt" ||
  { cat "$out/many.txt"; echo "e2e.html: the paging run did not pass" >&2; exit 1; }
NODE_PATH="$modules" node tests/e2e/html_check.js "$out/many.html" "$out/many.json" --paging
