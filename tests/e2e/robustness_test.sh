#!/usr/bin/env bash
# Hostile input and hostile timing: runs that must end, processes and files
# that must not outlive a run, reports that must stay valid. Needs $PHPTRUN
# (the binary) and a C compiler; run from the source root. Each check runs
# under `timeout`, so a run that never ends fails here instead of hanging.
set -uo pipefail
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() {  # check NAME CONDITION-RESULT DETAIL
  if [ "$2" = 0 ]; then echo "ok   $1"; else echo "FAIL $1: $3"; fails=$((fails + 1)); fi
}
plain_case() {  # plain_case FILE TEXT
  printf -- '--TEST--\n%s\n--FILE--\n<?php echo "%s";\n--EXPECT--\n%s\n' "$2" "$2" "$2" > "$1"
}
mkdir -p "$tmp/plain"
for i in 1 2 3 4 5 6; do plain_case "$tmp/plain/p$i.phpt" "ok $i"; done

# An extension whose constructor aborts: every worker dies before its engine
# is ready. The run stops with exit 2 and says so, with what it printed.
printf '#include <stdio.h>\n#include <stdlib.h>\n__attribute__((constructor)) static void boom(void) { fputs("hostile constructor ran\\n", stderr); abort(); }\n' > "$tmp/abort.c"
cc -shared -fPIC -o "$tmp/abort.so" "$tmp/abort.c"
timeout 60 "$PHPTRUN" -q -j2 -d "extension=$tmp/abort.so" "$tmp/plain" >"$tmp/abort.out" 2>&1; status=$?
[ $status = 2 ] && grep -q "did not start" "$tmp/abort.out" && grep -q "SIGABRT" "$tmp/abort.out" \
  && grep -q "hostile constructor ran" "$tmp/abort.out"
check "an engine that dies while starting: exit 2, says so with what it printed" $? \
  "status $status; $(head -c 2000 "$tmp/abort.out")"

# A worker that is dead when the supervisor writes the next case to it: it
# is replaced and every case still runs once.
PHPTRUN_TEST_KILL_WORKER_AT_DISPATCH=3 timeout 120 "$PHPTRUN" -q -j1 --json "$tmp/dispatch.json" \
  "$tmp/plain" >"$tmp/dispatch.out" 2>&1; status=$?
php8.2 -r '
  $j = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
  $files = array_column($j["tests"], "file");
  exit(count($files) === 6 && count(array_unique($files)) === 6 && $j["summary"]["PASS"] === 6 ? 0 : 1);
' "$tmp/dispatch.json" 2>/dev/null
check "a worker dead at dispatch is replaced; every case runs once" $(( $? + (status != 0) )) \
  "status $status; $(head -c 2000 "$tmp/dispatch.out")"

# A FIFO among the cases BORKs "not a regular file" (before: the supervisor
# hung opening it); on the command line it is a usage error, as /dev/zero is.
mkdir -p "$tmp/fifo"
plain_case "$tmp/fifo/a.phpt" "ok a"
mkfifo "$tmp/fifo/b.phpt"
timeout 60 "$PHPTRUN" -q -j1 --json "$tmp/fifo.json" "$tmp/fifo" >"$tmp/fifo.out" 2>&1; status=$?
php8.2 -r '
  $j = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
  $b = array_values(array_filter($j["tests"], fn($t) => str_ends_with($t["file"], "b.phpt")));
  exit(count($j["tests"]) === 2 && $b[0]["verdict"] === "BORK" && str_contains($b[0]["reason"], "not a regular file") ? 0 : 1);
' "$tmp/fifo.json" 2>/dev/null
check "a FIFO in the tree BORKs: not a regular file" $(( $? + (status != 1) )) "status $status; $(head -c 2000 "$tmp/fifo.out")"
for path in "$tmp/fifo/b.phpt" /dev/zero; do
  err=$(timeout 60 "$PHPTRUN" -q "$path" 2>&1 >/dev/null); status=$?
  [ $status = 2 ] && [[ "$err" == "phptrun: error: $path: not a regular file" ]]
  check "usage error for $path on the command line" $? "status $status; $err"
done

# A test writing a 2 GiB length and 256 MiB into phptrun's control pipe:
# the worker does not buffer it, the case FAILs and says why. Only the
# descriptors phptrun gives the case are open (the test writes into every
# writable pipe it has).
( for fd in $(ls /proc/$BASHPID/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
  exec timeout 120 "$PHPTRUN" -q -j1 --timeout 60 --json "$tmp/flood.json" fixtures/hostile/control_flood.phpt
) >"$tmp/flood.out" 2>&1; status=$?
php8.2 -r '
  $j = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
  $t = $j["tests"][0];
  exit($t["verdict"] === "FAIL" && str_contains($t["reason"], "wrote into phptrun\x27s control pipe") ? 0 : 1);
' "$tmp/flood.json" 2>/dev/null
check "a control-pipe flood FAILs its case" $(( $? + (status != 1) )) "status $status; $(head -c 2000 "$tmp/flood.out")"

# Output past 64 MiB, through PHP's output layer or around it: a FAIL that
# says so, judged without comparing the flood.
timeout 120 "$PHPTRUN" -q -j2 --json "$tmp/out.json" --junit "$tmp/out.xml" \
  fixtures/hostile/stderr_flood.phpt fixtures/hostile/echo_flood.phpt >"$tmp/out.out" 2>&1; status=$?
php8.2 -r '
  $j = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
  foreach ($j["tests"] as $t) if ($t["verdict"] !== "FAIL" || $t["reason"] !== "output exceeded 64 MiB") exit(1);
  exit(count($j["tests"]) === 2 && filesize($argv[2]) < (1 << 20) ? 0 : 1);
' "$tmp/out.json" "$tmp/out.xml" 2>/dev/null
check "output past 64 MiB, whatever the path: FAIL 'output exceeded 64 MiB', small reports" $(( $? + (status != 1) )) \
  "status $status; $(head -c 2000 "$tmp/out.out"); $(ls -l "$tmp/out.xml")"

# Processes a case leaves running end with it: a child that closed its
# output, a setsid() escapee.
leftovers() {  # leftovers MARKER...: the pids of processes with these args
  for m in "$@"; do pgrep -f "^sleep $m\$"; done
}
timeout 120 "$PHPTRUN" -q -j1 fixtures/hostile/leaves_children.phpt >"$tmp/kids.out" 2>&1; status=$?
sleep 0.3
left=$(leftovers 307.1 307.2)
[ -z "$left" ]
check "a case's leftover child and setsid() escapee are killed when it ends" $(( $? + (status != 0) )) \
  "status $status; left: $left; $(head -c 1000 "$tmp/kids.out")"
[ -n "$left" ] && kill $left

# SIGINT while a case runs with children: nothing left running, no
# generated script left beside the case, a report that says it was
# interrupted.
mkdir -p "$tmp/int"
cp fixtures/hostile/endless_with_children.phpt "$tmp/int/"
plain_case "$tmp/int/a-quick.phpt" "ok"
"$PHPTRUN" -q -j1 --junit "$tmp/int.xml" --json "$tmp/int.json" "$tmp/int" >"$tmp/int.out" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -e "$tmp/int/endless_with_children.php" ] && break; sleep 0.1; done
sleep 0.5
kill -INT $pid
wait $pid; status=$?
sleep 0.3
left=$(leftovers 308.1 308.2)
[ -z "$left" ] && [ ! -e "$tmp/int/endless_with_children.php" ]
check "SIGINT: no process and no generated script left behind" $(( $? + (status != 1) )) \
  "status $status; left: $left; files: $(ls "$tmp/int")"
[ -n "$left" ] && kill $left
php8.2 -r '
  $x = simplexml_load_file($argv[1]);
  exit($x !== false && count($x->xpath("//property[@name=\"phptrun.interrupted\"][@value=\"true\"]")) > 0 && count($x->xpath("//testcase")) === 1 ? 0 : 1);
' "$tmp/int.xml" 2>/dev/null
check "SIGINT: the JUnit report says the run was interrupted" $? "$(head -c 600 "$tmp/int.xml")"

# A worker killed while its case runs: nothing of it is left running, and
# the case runs once more (that run FAILs on its timeout and keeps its files,
# as run-tests does).
kill_worker_in_case() {  # kill_worker_in_case SUPERVISOR-PID PREVIOUS-WORKER DIR: the killed worker
  local worker=""
  for _ in $(seq 200); do
    worker=$(pgrep -P "$1" | head -1)
    [ -n "$worker" ] && [ "$worker" != "$2" ] && [ -e "$3/endless_with_children.php" ] \
      && [ -n "$(leftovers 308.2)" ] && break
    sleep 0.1
  done
  kill -KILL "$worker"
  echo "$worker"
}
mkdir -p "$tmp/wk"
cp fixtures/hostile/endless_with_children.phpt "$tmp/wk/"
"$PHPTRUN" -q -j1 --timeout 5 --json "$tmp/wk.json" --junit "$tmp/wk.xml" "$tmp/wk" >"$tmp/wk.out" 2>&1 &
pid=$!
kill_worker_in_case $pid "" "$tmp/wk" >/dev/null
wait $pid; status=$?
sleep 0.3
left=$(leftovers 308.1 308.2)
[ -z "$left" ]
check "a worker killed under its case: no process left" $(( $? + (status != 1) )) \
  "status $status; left: $left; $(head -c 600 "$tmp/wk.out")"
[ -n "$left" ] && kill $left
php8.2 -r '
  $j = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
  $x = simplexml_load_file($argv[2]);
  $err = (string)($x->xpath("//testcase/system-err")[0] ?? "");
  exit(str_contains($j["tests"][0]["rerun"] ?? "", "worker died (killed by SIGKILL)")
       && str_contains($err, "worker died") ? 0 : 1);
' "$tmp/wk.json" "$tmp/wk.xml" 2>/dev/null && [ "$(grep -c "died (killed by SIGKILL) running .*endless_with_children.phpt; it runs once more" "$tmp/wk.out")" = 1 ]
check "a worker's death and the rerun are noted on the case and in one console line" $? \
  "$(head -c 600 "$tmp/wk.out"); $(head -c 800 "$tmp/wk.json")"

# Its worker killed twice: the case BORKs, and the scripts of the two cut-short
# attempts are gone, as are their processes.
mkdir -p "$tmp/wk2"
cp fixtures/hostile/endless_with_children.phpt "$tmp/wk2/"
"$PHPTRUN" -q -j1 --timeout 60 --json "$tmp/wk2.json" "$tmp/wk2" >"$tmp/wk2.out" 2>&1 &
pid=$!
first=$(kill_worker_in_case $pid "" "$tmp/wk2")
kill_worker_in_case $pid "$first" "$tmp/wk2" >/dev/null
wait $pid; status=$?
sleep 0.3
left=$(leftovers 308.1 308.2)
[ -z "$left" ] && [ "$(ls "$tmp/wk2")" = "endless_with_children.phpt" ] && grep -q "died twice" "$tmp/wk2.json"
check "a worker killed twice under its case: BORK, no process, no generated script left" \
  $(( $? + (status != 1) )) "status $status; left: $left; files: $(ls "$tmp/wk2"); $(head -c 600 "$tmp/wk2.out")"
[ -n "$left" ] && kill $left

# A report into a directory that does not exist: found before any case runs.
for flag in --junit --json --trace; do
  err=$(timeout 60 "$PHPTRUN" -q $flag "$tmp/no/such/dir/report" fixtures/hostile/endless_with_children.phpt 2>&1 >/dev/null)
  status=$?
  [ $status = 2 ] && [[ "$err" == "phptrun: error: $tmp/no/such/dir/report"* ]]
  check "$flag into a missing directory: exit 2 at start" $? "status $status; $err"
done
left=$(leftovers 308.1 308.2); [ -n "$left" ] && kill $left

# SIGKILL of the supervisor: the reports rewritten while the run goes on
# are valid and hold the case that finished.
mkdir -p "$tmp/sk"
cp fixtures/hostile/endless_with_children.phpt "$tmp/sk/"
plain_case "$tmp/sk/a-quick.phpt" "ok"
"$PHPTRUN" -q -j1 --junit "$tmp/sk.xml" --json "$tmp/sk.json" "$tmp/sk" >"$tmp/sk.out" 2>&1 &
pid=$!
for _ in $(seq 300); do grep -q 'a-quick' "$tmp/sk.json" 2>/dev/null && grep -q 'a-quick' "$tmp/sk.xml" && break; sleep 0.1; done
kill -KILL $pid
wait $pid 2>/dev/null
php8.2 -r '
  $x = simplexml_load_file($argv[1]); $j = json_decode(file_get_contents($argv[2]), true, 512, JSON_THROW_ON_ERROR);
  exit($x !== false && count($x->xpath("//testcase")) === 1 && count($x->xpath("//property[@name=\"phptrun.interrupted\"][@value=\"true\"]")) > 0
       && $j["interrupted"] === true && count($j["tests"]) === 1 && $j["tests"][0]["verdict"] === "PASS" ? 0 : 1);
' "$tmp/sk.xml" "$tmp/sk.json" 2>/dev/null
check "SIGKILL of the supervisor: valid reports of the finished cases, marked interrupted" $? \
  "$(head -c 600 "$tmp/sk.xml" 2>&1)"
sleep 0.5
left=$(leftovers 308.1 308.2); [ -n "$left" ] && kill $left

# A timeout in a reused process is not confirmed by two more timeouts: the
# flaky retry already ran in a new process.
mkdir -p "$tmp/to"
plain_case "$tmp/to/a.phpt" "ok"
cp fixtures/hostile/timeout_counting_attempts.phpt "$tmp/to/b.phpt"
ATTEMPTS="$tmp/attempts" timeout 120 "$PHPTRUN" -q -j1 --timeout 1 "$tmp/to" >"$tmp/to.out" 2>&1; status=$?
attempts=$(wc -l < "$tmp/attempts")
[ "$attempts" = 2 ]
check "a timeout after a reused process: 2 attempts (the retry in a new process), not 4" $(( $? + (status != 1) )) \
  "status $status; attempts $attempts; $(head -c 600 "$tmp/to.out")"

# Descriptors phptrun inherited (fd 47, open for writing) and its report
# files are out of a case's reach, and out of the commands it runs.
mkdir -p "$tmp/fds/reports"
INHERITED="$tmp/fds/inherited" REPORT_DIR="$tmp/fds/reports" timeout 120 "$PHPTRUN" -q -j1 \
  --junit "$tmp/fds/reports/j.xml" --json "$tmp/fds/reports/r.json" --trace "$tmp/fds/reports/t.json" \
  -w "$tmp/fds/reports/failed.txt" --show-diff fixtures/hostile/inherited_fds.phpt \
  47>"$tmp/fds/inherited" >"$tmp/fds.out" 2>&1; status=$?
[ $status = 0 ] && [ ! -s "$tmp/fds/inherited" ]
check "a case reaches no descriptor phptrun inherited, nor its report files" $? \
  "status $status; $(head -c 1500 "$tmp/fds.out")"

# SIGKILL of the supervisor while a case has a setsid() escapee (a
# pcntl_fork() child): within a few seconds nothing phptrun started is left.
# Its processes are found by a marker in their environment, which every
# process phptrun starts inherits.
marked() {  # marked MARK: pids of processes whose environment holds MARK
  grep -lsa "PHPTRUN_E2E_MARK=$1" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | grep -vx "$BASHPID"
}
mark="escape-$$-$RANDOM"
mkdir -p "$tmp/esc"
cp fixtures/hostile/escapee_endless.phpt "$tmp/esc/"
PHPTRUN_E2E_MARK=$mark ESCAPEE_READY="$tmp/esc-ready" "$PHPTRUN" -q -j1 "$tmp/esc" >"$tmp/esc.out" 2>&1 &
pid=$!
for _ in $(seq 300); do [ -s "$tmp/esc-ready" ] && break; sleep 0.1; done
escapee=$(cat "$tmp/esc-ready" 2>/dev/null)
kill -KILL $pid
wait $pid 2>/dev/null
for _ in $(seq 100); do [ -z "$(marked "$mark")" ] && break; sleep 0.1; done
left=$(marked "$mark" | tr '\n' ' ')
[ -n "$escapee" ] && [ -z "$left" ]
check "SIGKILL of the supervisor: its workers kill their cases' escapees, nothing is left" $? \
  "escapee ${escapee:-never started}; left: $left; $(head -c 600 "$tmp/esc.out")"
[ "$(ls "$tmp/esc")" = "escapee_endless.phpt" ]
check "SIGKILL of the supervisor: the running case's generated script is removed" $? "files: $(ls "$tmp/esc")"
[ -n "$left" ] && kill -KILL $left 2>/dev/null

# Judging that outlasts the watchdog's grace (test-only knobs: a 0.5 s
# grace, a 5 s sleep in every judge): the worker announced that it judges,
# so its cases get their real verdicts, not "the worker stopped answering".
mkdir -p "$tmp/judge"
plain_case "$tmp/judge/pass.phpt" "ok"
printf -- '--TEST--\nfails\n--FILE--\n<?php echo "got";\n--EXPECT--\nwanted\n' > "$tmp/judge/fail.phpt"
PHPTRUN_TEST_WATCHDOG_GRACE_MS=500 PHPTRUN_TEST_JUDGE_SLEEP_MS=5000 timeout 120 "$PHPTRUN" -q -j2 \
  --timeout 1 --json "$tmp/judge.json" "$tmp/judge" >"$tmp/judge.out" 2>&1; status=$?
php8.2 -r '
  $j = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
  $v = array_column($j["tests"], "verdict", "name");
  $fail = array_values(array_filter($j["tests"], fn($t) => $t["name"] === "fails"))[0];
  exit($v === ["ok" => "PASS", "fails" => "FAIL"] || $v === ["fails" => "FAIL", "ok" => "PASS"]
       ? (str_contains($fail["diff"], "wanted") && $fail["reason"] === "" ? 0 : 2) : 1);
' "$tmp/judge.json" 2>/dev/null
check "a judge slower than the watchdog's grace: the cases get their real verdicts" $(( $? + (status != 1) )) \
  "status $status; $(head -c 1500 "$tmp/judge.json")"

# A judge that hangs (past a 1.5 s judge budget) is still caught: its case
# FAILs saying so, with the time it ran, and the run ends.
plain_case "$tmp/hang.phpt" "ok"
PHPTRUN_TEST_WATCHDOG_GRACE_MS=500 PHPTRUN_TEST_JUDGE_BUDGET_MS=1500 PHPTRUN_TEST_JUDGE_SLEEP_MS=600000 \
  timeout 120 "$PHPTRUN" -q -j1 --timeout 1 --json "$tmp/hang.json" "$tmp/hang.phpt" >"$tmp/hang.out" 2>&1; status=$?
php8.2 -r '
  $t = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR)["tests"][0];
  exit($t["verdict"] === "FAIL" && str_starts_with($t["reason"], "judging the output took longer than 1.5 s")
       && $t["time_ms"] >= 1500 ? 0 : 1);
' "$tmp/hang.json" 2>/dev/null
check "a judge that hangs: the worker is killed, the case FAILs saying so, with its time" $(( $? + (status != 1) )) \
  "status $status; $(head -c 1500 "$tmp/hang.json")"

exit $(( fails > 0 ))
