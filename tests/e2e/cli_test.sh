#!/usr/bin/env bash
# The command line as a user meets it: usage errors name the flag or file and
# exit 2; --list, --version, -h; SIGINT during a run still leaves valid
# reports. Needs $PHPTRUN (the binary); run from the source root.
set -uo pipefail
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() {  # check NAME CONDITION-RESULT DETAIL
  if [ "$2" = 0 ]; then echo "ok   $1"; else echo "FAIL $1: $3"; fails=$((fails + 1)); fi
}
expect_usage_error() {  # expect_usage_error WORD-IN-MESSAGE ARGS...
  local word=$1; shift
  local err status
  err=$("$PHPTRUN" "$@" 2>&1 >/dev/null); status=$?
  [ $status = 2 ] && [[ "$err" == *"$word"* ]] && [[ "$err" == "phptrun: error: "* ]]
  check "usage error for: $*" $? "status $status, message: $err"
}

expect_usage_error "--frobnicate" --frobnicate suites
expect_usage_error "-j" -j zero suites
expect_usage_error "-j" -j
expect_usage_error "--timeout" --timeout -3 suites
expect_usage_error "no/such/dir" no/such/dir
expect_usage_error "PATH" -q
expect_usage_error "-c" -c /nonexistent/php.ini suites

out=$("$PHPTRUN" --list fixtures/phpt/sections); status=$?
[ $status = 0 ] && grep -qx "fixtures/phpt/sections/expect.phpt" <<<"$out" && ! grep -q "\.txt$" <<<"$out"
check "--list prints the cases, one per line" $? "status $status"

out=$("$PHPTRUN" --version); status=$?
[ $status = 0 ] && [[ "$out" == "phptrun "*"PHP 8."* ]]
check "--version names phptrun and PHP" $? "$out"

out=$("$PHPTRUN" -h); status=$?
[ $status = 0 ] && [[ "$out" == *"--junit FILE"* ]]
check "-h prints the usage" $? "status $status"

# A REDIRECTTEST's __DIR__ is the directory phptrun runs in, as run-tests.php's
# eval() makes it run-tests.php's own (php-src's ext/pdo_sqlite/tests/common.phpt
# redirects to `__DIR__ . '/ext/pdo/tests'`); with the test's own directory the
# target below would not exist.
mkdir -p "$tmp/redir/sub" "$tmp/redir/target"
printf -- "--TEST--\nredirect by __DIR__\n--REDIRECTTEST--\nreturn ['TESTS' => __DIR__ . '/target'];\n" \
  >"$tmp/redir/sub/driver.phpt"
printf -- "--TEST--\nreached\n--FILE--\n<?php echo 'ok';\n--EXPECT--\nok\n" >"$tmp/redir/target/reached.phpt"
(cd "$tmp/redir" && "$PHPTRUN" -q --json report.json sub >/dev/null 2>&1); status=$?
[ $status = 0 ] && grep -q '"file": *"[^"]*target/reached.phpt"' "$tmp/redir/report.json" &&
  grep -q '"verdict": *"PASS"' "$tmp/redir/report.json"
check "a REDIRECTTEST's __DIR__ is phptrun's working directory" $? "status $status"

# A case that never ends; SIGINT after the run has started.
mkdir -p "$tmp/cases"
printf -- '--TEST--\nendless\n--FILE--\n<?php while (true) {}\n--EXPECT--\nnever\n' > "$tmp/cases/endless.phpt"
printf -- '--TEST--\nquick\n--FILE--\n<?php echo "ok";\n--EXPECT--\nok\n' > "$tmp/cases/a-quick.phpt"
"$PHPTRUN" -q -j1 --junit "$tmp/int.xml" --json "$tmp/int.json" --html "$tmp/int.html" "$tmp/cases" >"$tmp/int.out" 2>&1 &
pid=$!
sleep 1.5
kill -INT $pid
wait $pid; status=$?
php8.2 -r '
  $x = simplexml_load_file($argv[1]); $j = json_decode(file_get_contents($argv[2]), true, 512, JSON_THROW_ON_ERROR);
  exit($x !== false && count($x->xpath("//testcase")) === 1 && $j["interrupted"] === true && count($j["tests"]) === 1 ? 0 : 1);
' "$tmp/int.xml" "$tmp/int.json"
check "SIGINT: exit 1, reports written with the finished case" $(( $? + (status != 1) )) "status $status; $(cat "$tmp/int.out")"
php8.2 -r '
  $h = file_get_contents($argv[1]);
  preg_match("~id=\"phptrun-run\">(.*?)</script>~s", $h, $run); preg_match("~id=\"phptrun-cases\">(.*?)</script>~s", $h, $cases);
  $run = json_decode($run[1] ?? "", true); $cases = json_decode($cases[1] ?? "", true);
  exit(is_array($run) && $run["interrupted"] === true && $run["exit_status"] === 1 && is_array($cases) && count($cases) === 1 ? 0 : 1);
' "$tmp/int.html"
check "SIGINT: the HTML report is written too, marked interrupted, with the finished case" $? "$(head -c 300 "$tmp/int.html" 2>&1)"
sleep 0.2
left=$(grep -l "$tmp/cases" /proc/[0-9]*/cmdline 2>/dev/null)
[ -z "$left" ]
check "SIGINT: no process left behind" $? "$left"

# A case that kills its worker: the worker is replaced, the case is run once
# more and then BORKs; the cases queued behind it are not lost or run twice.
mkdir -p "$tmp/killer"
printf -- '--TEST--\nkills its worker\n--FILE--\n<?php posix_kill(posix_getppid(), 9); sleep(1);\n--EXPECT--\nnever\n' > "$tmp/killer/a-killer.phpt"
for i in 1 2 3 4 5 6; do
  printf -- '--TEST--\nplain %s\n--FILE--\n<?php echo "ok %s";\n--EXPECT--\nok %s\n' $i $i $i > "$tmp/killer/b-plain-$i.phpt"
done
"$PHPTRUN" -q -j1 --json "$tmp/killer.json" "$tmp/killer" >"$tmp/killer.out" 2>&1; status=$?
php8.2 -r '
  $j = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
  $v = array_count_values(array_column($j["tests"], "verdict"));
  $killer = array_values(array_filter($j["tests"], fn($t) => str_contains($t["file"], "a-killer")));
  $files = array_column($j["tests"], "file");
  exit(count($j["tests"]) === 7 && count(array_unique($files)) === 7 && ($v["PASS"] ?? 0) === 6
       && count($killer) === 1 && $killer[0]["verdict"] === "BORK"
       && str_contains($killer[0]["reason"], "died twice") ? 0 : 1);
' "$tmp/killer.json"
check "a case that kills its worker BORKs; the others still run once each" $(( $? + (status != 1) )) "status $status; $(cat "$tmp/killer.out")"

# A case queued in a worker's pipe behind a slow case is given back and run
# by the other worker: nothing runs on the slow case's worker after it.
mkdir -p "$tmp/slow"
printf -- '--TEST--\nslow\n--FILE--\n<?php sleep(3); echo "ok";\n--EXPECT--\nok\n' > "$tmp/slow/a-slow.phpt"
for i in $(seq 1 12); do
  printf -- '--TEST--\nquick %s\n--FILE--\n<?php echo "ok";\n--EXPECT--\nok\n' $i > "$tmp/slow/b-quick-$i.phpt"
done
"$PHPTRUN" -q -j2 --trace "$tmp/slow.trace" "$tmp/slow" >"$tmp/slow.out" 2>&1; status=$?
php8.2 -r '
  $t = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
  $cases = array_filter($t["traceEvents"], fn($e) => ($e["ph"] ?? "") === "X" && str_contains($e["cat"] ?? "", "case"));
  $slow = array_values(array_filter($cases, fn($e) => str_contains($e["name"], "a-slow")));
  if (count($cases) !== 13 || count($slow) !== 1) exit(1);
  $after = array_filter($cases, fn($e) => $e["tid"] === $slow[0]["tid"] && $e["ts"] > $slow[0]["ts"]);
  exit(count($after) === 0 ? 0 : 1);
' "$tmp/slow.trace"
check "a case waiting behind a slow one runs on the other worker" $(( $? + (status != 0) )) "status $status; $(cat "$tmp/slow.out")"

# A verdict other than PASS from a reused case process is confirmed in a
# fresh one (fixtures/reuse, in file order in one worker): b fails in the
# process a ran in and passes in a fresh one; the JSON keeps what the reused
# process said. With --reuse 1 every request has a process of its own: b
# passes the first time and there is nothing to confirm. The fixtures keep
# their file in sys_get_temp_dir(), here $tmp.
reuse_verdicts() {  # reuse_verdicts JSON: "file verdict reused_verdict" per case
  php8.2 -r '
    $j = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
    foreach ($j["tests"] as $t) {
      echo basename($t["file"]), " ", $t["verdict"], " ", $t["reused_verdict"] ?? "-", "\n";
    }' "$1"
}
TMPDIR=$tmp "$PHPTRUN" -q -j1 --json "$tmp/reuse.json" fixtures/reuse >"$tmp/reuse.out" 2>&1; status=$?
got=$(reuse_verdicts "$tmp/reuse.json")
want=$'a_remember_pid.phpt PASS -\nb_other_process.phpt PASS FAIL\nc_forget_pid.phpt PASS -'
[ $status = 0 ] && [ "$got" = "$want" ] && [ ! -e "$tmp/phptrun-reuse-fixture.pid" ]
check "a FAIL in a reused process is confirmed in a fresh one (reused_verdict)" $? \
  "status $status; got: $got; $(cat "$tmp/reuse.out")"
TMPDIR=$tmp "$PHPTRUN" -q -j1 --reuse 1 --json "$tmp/reuse1.json" fixtures/reuse >"$tmp/reuse1.out" 2>&1; status=$?
got=$(reuse_verdicts "$tmp/reuse1.json")
want=$'a_remember_pid.phpt PASS -\nb_other_process.phpt PASS -\nc_forget_pid.phpt PASS -'
[ $status = 0 ] && [ "$got" = "$want" ] && ! grep -q reused_verdict "$tmp/reuse1.json"
check "--reuse 1: no reused process, no reused_verdict" $? "status $status; got: $got; $(cat "$tmp/reuse1.out")"

# A TEST_PHP_EXECUTABLE of another build than the embedded one: a warning
# that names both; the embedded build's own CLI: none.
printf '#!/bin/sh\necho "PHP 7.4.0 ZTS debug"\n' > "$tmp/other-php"
chmod +x "$tmp/other-php"
err=$(TEST_PHP_EXECUTABLE="$tmp/other-php" "$PHPTRUN" -q fixtures/phpt/sections/expect.phpt 2>&1 >/dev/null)
[[ "$err" == *"warning: TEST_PHP_EXECUTABLE=$tmp/other-php is PHP 7.4.0 ZTS debug, but phptrun embeds PHP 8."* ]]
check "a TEST_PHP_EXECUTABLE of another build is warned about" $? "$err"
own=$("$PHPTRUN" --version | sed -n 's/^CLI (TEST_PHP_EXECUTABLE, PHP_BINARY): //p')
err=$(TEST_PHP_EXECUTABLE="$own" "$PHPTRUN" -q fixtures/phpt/sections/expect.phpt 2>&1 >/dev/null)
[ -n "$own" ] && [[ "$err" != *"warning: TEST_PHP_EXECUTABLE"* ]]
check "the embedded build's own CLI is not warned about" $? "own: $own; $err"

# TEST_PHP_ARGS is read as run-tests.php reads it: its words follow the
# command line (here a -d that the case prints).
printf -- '--TEST--\nTEST_PHP_ARGS\n--FILE--\n<?php echo ini_get("precision"), "\\n";\n--EXPECT--\n7\n' > "$tmp/args.phpt"
out=$(TEST_PHP_ARGS="-d precision=7" "$PHPTRUN" -q --json "$tmp/args.json" "$tmp/args.phpt" 2>&1); status=$?
[ $status = 0 ] && grep -q '"PASS": 1' "$tmp/args.json"
check "TEST_PHP_ARGS adds its options" $? "status $status; $out"
err=$(TEST_PHP_ARGS="--frobnicate" "$PHPTRUN" -q "$tmp/args.phpt" 2>&1); status=$?
[ $status = 2 ] && [[ "$err" == *"--frobnicate"*"(TEST_PHP_ARGS=--frobnicate)"* ]]
check "a bad option in TEST_PHP_ARGS names TEST_PHP_ARGS" $? "status $status; $err"

# What runs, as the reports name it, against what the loader and the CLI say:
# libphp as ldd resolves it, the build's CLI and its PHP_VERSION.
"$PHPTRUN" -q --json "$tmp/engine.json" --junit "$tmp/engine.xml" fixtures/phpt/sections/expect.phpt >/dev/null 2>&1
lib=$(ldd "$PHPTRUN" | sed -n 's/^\s*libphp[^ ]* => \([^ ]*\) .*/\1/p' | head -n 1)
cli=$("$PHPTRUN" --version | sed -n 's/^CLI (TEST_PHP_EXECUTABLE, PHP_BINARY): //p')
ver=$("$cli" -n -r 'echo PHP_VERSION, PHP_ZTS ? " ZTS" : " NTS", PHP_DEBUG ? " debug" : " release";')
json=$(php8.2 -r '$j = json_decode(file_get_contents($argv[1]), true); echo $j["libphp"], "|", $j["php_binary"], "|", $j["php_build"];' "$tmp/engine.json")
[ -n "$lib" ] && [ "$json" = "$(realpath "$lib")|$cli|PHP $ver" ] &&
  grep -q "<property name=\"php_build\" value=\"PHP $ver\"" "$tmp/engine.xml"
check "the reports name the libphp ldd resolves and the build's CLI and version" $? "json: $json; ldd: $lib; cli: $cli ($ver)"

# -n reads no php.ini (as `php -n`), -c FILE still reads FILE.
printf -- '--TEST--\n-n\n--FILE--\n<?php var_dump(php_ini_loaded_file());\n--EXPECT--\nbool(false)\n' > "$tmp/no-ini.phpt"
out=$("$PHPTRUN" -q -n --show-diff "$tmp/no-ini.phpt" 2>&1); status=$?
[ $status = 0 ]
check "-n: no php.ini is loaded" $? "status $status; $out"

echo "$fails failed"
[ $fails = 0 ]
