#!/bin/bash
# sanitizers.reports (make asan): fails when any process of any test wrote a
# sanitizer report into $1 (log_path=$1/<test name>, one file per process:
# <test name>.<pid>), printing each report's head and the test it came from.
dir=$1
shopt -s nullglob
reports=("$dir"/*)
if [ ${#reports[@]} -eq 0 ]; then
  echo "no sanitizer report in $dir"
  exit 0
fi
echo "${#reports[@]} sanitizer report(s) in $dir:"
for report in "${reports[@]}"; do
  name=$(basename "$report")
  echo "=== test ${name%.*}, process ${name##*.}: $report"
  head -n 40 "$report"
done
exit 1
