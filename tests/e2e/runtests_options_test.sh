#!/usr/bin/env bash
# run-tests.php's command line, as people who use it every day type it
# (docs/run-tests-options.md), on copies of fixtures/runtests-options. Where
# run-tests.php itself wrote something for the same cases, the recorded
# output in fixtures/runtests-options/run-tests/ is the ground truth.
# Needs $PHPTRUN (the binary); run from the source root.
set -uo pipefail
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=fixtures/runtests-options
truth=$src/run-tests
check() {  # check NAME CONDITION-RESULT DETAIL
  if [ "$2" = 0 ]; then echo "ok   $1"; else echo "FAIL $1: $3"; fails=$((fails + 1)); fi
}
fresh() {  # fresh NAME: a new copy of the fixture cases in $tmp/NAME
  rm -rf "$tmp/$1"; mkdir -p "$tmp/$1"; cp "$src"/*.phpt "$tmp/$1/"
}
same() { cmp -s "$1" "$2"; }

# php-src's own CI line (.github/actions/test-linux/action.yml, 8.2 branch,
# its inputs filled in): accepted end to end.
fresh ci
out=$("$PHPTRUN" -P -q -d opcache.jit=tracing -d opcache.jit_buffer_size=16M -j2 \
  -g FAIL,BORK,LEAK,XLEAK --no-progress --offline --show-diff --show-slow 1000 \
  --set-timeout 120 "$tmp/ci" 2>"$tmp/ci.err"); status=$?
[ $status = 1 ] && grep -q "^FAIL run-tests files: an EXPECT test" <<<"$out" &&
  grep -q "^002+ two$" <<<"$out" && ! grep -q "^PASS " <<<"$out" && [[ "$out" != *$'\r'* ]] &&
  grep -q "^phptrun: note: -P: " "$tmp/ci.err" && grep -q "^2 passed, 3 failed, 0 skipped$" <<<"$out"
check "php-src's CI command line runs: FAIL lines with diffs, no PASS lines, exit 1" $? \
  "status $status: $out $(cat "$tmp/ci.err")"

# The files run-tests leaves beside a failing case, byte for byte as it wrote them.
fresh files
"$PHPTRUN" -q "$tmp/files" >/dev/null
ok=0
for f in fail-expect fail-expectf; do
  for e in diff exp out log; do
    same "$tmp/files/$f.$e" "$truth/$f.$e.txt" || { ok=1; echo "  $f.$e differs from run-tests'"; }
  done
  [ -x "$tmp/files/$f.sh" ] && [ -f "$tmp/files/$f.php" ] || { ok=1; echo "  no $f.sh or $f.php"; }
done
check ".diff .exp .out .log beside failing cases are run-tests' own; .sh and .php too" $ok ""
ls "$tmp/files" | grep -q "^pass\.\(diff\|exp\|out\|log\|sh\|php\)$"
check "nothing beside a passing case" $((1 - $?)) "$(ls "$tmp/files")"
sh_out=$(sh "$tmp/files/fail-expect.sh" 2>&1)
[ "$sh_out" = "$(printf 'one\ntwo\nthree\nfour\nfive\nsix')" ]
check "foo.sh reproduces the case with php" $? "$sh_out"
cat > "$tmp/files/fail-expect.phpt" <<'EOF'
--TEST--
fixed
--FILE--
<?php echo "one\n";
--EXPECT--
one
EOF
"$PHPTRUN" -q "$tmp/files/fail-expect.phpt" >/dev/null
ls "$tmp/files" | grep -q "^fail-expect\.\(diff\|exp\|out\|log\|sh\|php\)$"
check "the files go when the case passes again" $((1 - $?)) "$(ls "$tmp/files")"
TEST_PHP_LOG_FORMAT=D "$PHPTRUN" -q "$tmp/files/fail-expectf.phpt" >/dev/null
[ -f "$tmp/files/fail-expectf.diff" ] && [ ! -f "$tmp/files/fail-expectf.out" ] && [ ! -f "$tmp/files/fail-expectf.log" ]
check "TEST_PHP_LOG_FORMAT=D writes only the .diff" $? "$(ls "$tmp/files")"
fresh ctx
"$PHPTRUN" -q --context 0 "$tmp/ctx/fail-expect.phpt" >/dev/null
same "$tmp/ctx/fail-expect.diff" "$truth/fail-expect.context0.diff.txt"
check "--context 0: run-tests' diff without context" $? "$(cat "$tmp/ctx/fail-expect.diff")"
"$PHPTRUN" -q --json "$tmp/ctx.json" "$tmp/ctx/fail-expect.phpt" >/dev/null
php -r '$r = json_decode(file_get_contents($argv[1]), true); exit($r["tests"][0]["diff"] === file_get_contents($argv[2]) ? 0 : 1);' \
  "$tmp/ctx.json" "$truth/fail-expect.diff.txt"
check "the JSON report carries the diff of a FAIL" $? "$(cat "$tmp/ctx.json")"

# -w / -W lists and the -l loop: run, fix, rerun only what failed, until empty.
fresh lists
"$PHPTRUN" -q -w "$tmp/failed.txt" -W "$tmp/results.txt" "$tmp/lists" >/dev/null
sed "s|^$tmp/lists/|DIR/|; s|\t$tmp/lists/|\tDIR/|" "$tmp/results.txt" | sort >"$tmp/results.rel"
sed "s|^$tmp/lists/|DIR/|" "$tmp/failed.txt" | sort >"$tmp/failed.rel"
same "$tmp/results.rel" <(sort "$truth/results.W.txt") && same "$tmp/failed.rel" <(sort "$truth/failed.w.txt")
check "-W and -w list what run-tests lists (absolute paths)" $? "$(cat "$tmp/results.txt" "$tmp/failed.txt")"
out=$("$PHPTRUN" -q -r "$tmp/failed.txt"); status=$?
[ $status = 1 ] && grep -q "^0 passed, 2 failed, 0 skipped$" <<<"$out"
check "-r runs only the listed cases" $? "$out"
fresh loop
"$PHPTRUN" -q -l "$tmp/loop.txt" "$tmp/loop" >/dev/null
[ "$(wc -l <"$tmp/loop.txt")" = 2 ]
check "-l with a missing list runs the PATHs and writes what failed" $? "$(cat "$tmp/loop.txt")"
sed -i 's/^2$/two/' "$tmp/loop/fail-expect.phpt"
out=$("$PHPTRUN" -q -l "$tmp/loop.txt"); status=$?
[ $status = 1 ] && grep -q "^1 passed, 1 failed, 0 skipped$" <<<"$out" &&
  [ "$(cat "$tmp/loop.txt")" = "$tmp/loop/fail-expectf.phpt" ]
check "-l reruns the list and rewrites it with what still fails" $? "$out $(cat "$tmp/loop.txt")"
sed -i 's/^int(4)$/int(5)/' "$tmp/loop/fail-expectf.phpt"
"$PHPTRUN" -q -l "$tmp/loop.txt" >/dev/null; status=$?
[ $status = 0 ] && [ ! -s "$tmp/loop.txt" ]
check "-l: once all pass, the list is empty" $? "status $status"
out=$("$PHPTRUN" -q -l "$tmp/loop.txt"); status=$?
[ $status = 0 ] && grep -q "nothing to run" <<<"$out"
check "-l with an empty list and no PATH: nothing to run, exit 0" $? "status $status: $out"

# -g: exactly the groups named.
fresh groups
out=$("$PHPTRUN" -g PASS "$tmp/groups")
grep -q "^PASS run-tests files: a passing test" <<<"$out" && ! grep -q "^FAIL " <<<"$out"
check "-g PASS prints PASS lines and not FAIL ones" $? "$out"
out=$(SHOW_ONLY_GROUPS=SKIP "$PHPTRUN" "$tmp/groups")
! grep -qE "^(PASS|FAIL) " <<<"$out"
check "SHOW_ONLY_GROUPS as -g" $? "$out"

# Variables tests see, compared with what run-tests gave the same case.
fresh env
"$PHPTRUN" -q --set-timeout 7 --asan --offline -x "$tmp/env/env.phpt" >/dev/null
same "$tmp/env/env.out" "$truth/env.asan.out.txt"
check "--set-timeout 7 --asan --offline -x: the variables run-tests sets" $? "$(cat "$tmp/env/env.out")"
out=$("$PHPTRUN" -v --repeat 2 "$tmp/env/env.phpt")
grep -q "^SKIP .* (Not repeatable)$" <<<"$out"
check "--repeat sets SKIP_REPEAT: a case that skips on it skips (as 25 of php-src's do)" $? "$out"

# --bless on a copy: the failing cases get their output, then pass.
fresh bless
"$PHPTRUN" -q --bless "$tmp/bless" >"$tmp/bless.out"
grep -q "^blessed .*fail-expectf.phpt$" "$tmp/bless.out" && grep -q "^int(5)$" "$tmp/bless/fail-expectf.phpt" &&
  grep -q '^string(%d) "%s"$' "$tmp/bless/fail-expectf.phpt" && "$PHPTRUN" -q "$tmp/bless" >/dev/null
check "--bless rewrites EXPECT/EXPECTF of failing cases; they pass after" $? "$(cat "$tmp/bless.out")"

# The environment run-tests reads.
fresh envvars
out=$(TEST_PHP_ARGS="-g PASS --no-progress" REPORT_EXIT_STATUS=no "$PHPTRUN" "$tmp/envvars"); status=$?
[ $status = 0 ] && grep -q "^PASS " <<<"$out" && ! grep -q "^FAIL " <<<"$out"
check "TEST_PHP_ARGS adds options; REPORT_EXIT_STATUS=no exits 0 with failures" $? "status $status: $out"
"$PHPTRUN" -q "$tmp/envvars" >/dev/null
check "without REPORT_EXIT_STATUS the failures exit 1" $(( $? != 1 )) ""

# --no-clean, --keep-php, --show-*, -s, --shuffle.
fresh keep
"$PHPTRUN" -q --no-clean --keep-php "$tmp/keep" >/dev/null
[ -f "$tmp/keep/clean.marker.txt" ] && [ -f "$tmp/keep/pass.php" ]
check "--no-clean leaves what CLEAN removes; --keep-php keeps a passing case's script" $? "$(ls "$tmp/keep")"
out=$("$PHPTRUN" -q --show-out --show-exp "$tmp/keep/pass.phpt")
grep -qzF $'\n========OUT========\nok\n========DONE========\n\n========EXP========\nok\n========DONE========\n' <<<"$out"
check "--show-out --show-exp print run-tests' blocks" $? "$out"
"$PHPTRUN" -q -s "$tmp/summary.txt" "$tmp/keep" >/dev/null
grep -q "^3 passed, 2 failed, 0 skipped$" "$tmp/summary.txt" && grep -q "^FAIL " "$tmp/summary.txt"
check "-s FILE: the report also in FILE" $? "$(cat "$tmp/summary.txt")"
out=$("$PHPTRUN" -q --shuffle -W "$tmp/shuffled.txt" "$tmp/keep"); status=$?
[ "$(cut -f2 "$tmp/shuffled.txt" | sort)" = "$(cut -f2 "$tmp/results.txt" | sed "s|/lists/|/keep/|" | sort)" ]
check "--shuffle runs every case once" $? "$(cat "$tmp/shuffled.txt")"

# -m: each test request runs as run-tests runs it, under valgrind with the
# php CLI; a non-empty valgrind log is a LEAK (run-tests' verdicts for the
# same files: run-tests/valgrind-verdicts.txt). Slow: valgrind starts php twice.
rm -rf "$tmp/vg"; mkdir -p "$tmp/vg"; cp "$src"/valgrind/*.phpt "$tmp/vg/"
"$PHPTRUN" -q -m -W "$tmp/vg.txt" "$tmp/vg" >"$tmp/vg.out"; status=$?
got=$(sed "s|\t$tmp/vg/|\t|; s/ED\t/\t/" "$tmp/vg.txt" | sort)
[ "$got" = "$(sort "$truth/valgrind-verdicts.txt")" ] && [ $status = 1 ] &&
  grep -q "Invalid read" "$tmp/vg/use-after-free.mem" && [ ! -e "$tmp/vg/clean.mem" ]
check "-m: run-tests' verdicts under valgrind (PASS, LEAK) and the .mem log" $? \
  "status $status: $got $(cat "$tmp/vg.out")"
err=$("$PHPTRUN" -M no-such-tool "$tmp/vg" 2>&1); status=$?
[ $status = 2 ] && [[ "$err" == *"-M no-such-tool: valgrind returned no version"* ]]
check "-M with a tool valgrind does not have is a usage error" $? "status $status: $err"

echo "$fails failed"
[ $fails = 0 ]
