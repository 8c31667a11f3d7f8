#!/usr/bin/env bash
# --repeat and --attribute as a user meets them: --repeat N runs a case
# without RESIDENT as N requests (and skips what run-tests.php skips under
# --repeat), RESIDENT wins over --repeat, --attribute attributes in the
# judged run, and usage errors name the flag. Needs $PHPTRUN; run from the
# source root.
set -uo pipefail
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() {  # check NAME CONDITION-RESULT DETAIL
  if [ "$2" = 0 ]; then echo "ok   $1"; else echo "FAIL $1: $3"; fails=$((fails + 1)); fi
}
# json FILE PHP-EXPRESSION: evaluates the expression with $t = the first test.
json() {
  php8.2 -r '$r = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
             $t = $r["tests"][0]; exit(eval("return " . $argv[2] . ";") ? 0 : 1);' "$1" "$2"
}

out=$("$PHPTRUN" -q --repeat 5 --json "$tmp/r.json" fixtures/phpt/sections/expect.phpt); status=$?
[ $status = 0 ] && json "$tmp/r.json" '$t["verdict"] === "PASS" && $t["resident"]["mode"] === "requests"
  && $t["resident"]["iterations"] === 5 && $t["resident"]["completed"] === 5 && $t["resident"]["warmup"] === 1
  && count($t["resident"]["series"]["heap"]) === 5'
check "--repeat 5 runs a plain case as 5 requests" $? "status $status; $out"

out=$("$PHPTRUN" -v --repeat 3 fixtures/phpt/sections/clean.phpt suites/basics/stdin-args.phpt)
grep -q "SKIP .*(Test with CLEAN might not be repeatable)" <<<"$out" &&
  grep -q "SKIP .*(Test with STDIN might not be repeatable)" <<<"$out"
check "--repeat skips CLEAN and STDIN cases as run-tests.php does" $? "$out"

"$PHPTRUN" -q --repeat 3 --json "$tmp/r.json" suites/resident/echo-server-restart-worker.phpt >/dev/null
json "$tmp/r.json" '$t["resident"]["iterations"] === 200'
check "a RESIDENT section wins over --repeat" $? "$(head -c 400 "$tmp/r.json")"

# A case whose requests share state through a file: request 2 prints more.
cat > "$tmp/counter.phpt" <<'EOF'
--TEST--
counts its requests in a file
--FILE--
<?php
$f = __DIR__ . '/count.txt';
$n = (int)@file_get_contents($f) + 1;
file_put_contents($f, $n);
echo $n > 1 ? "again\n" : "first\n";
--EXPECT--
first
EOF
out=$("$PHPTRUN" -q --repeat 3 "$tmp/counter.phpt"); status=$?
[ $status = 1 ] && grep -q "FAIL .*(output of iteration 2 differs from iteration 1" <<<"$out"
check "--repeat: a request that sees the previous one's state fails, naming it" $? "status $status; $out"
rm -f "$tmp/count.txt"
out=$("$PHPTRUN" -q "$tmp/counter.phpt"); status=$?
check "without --repeat the same case passes" $status "$out"
rm -f "$tmp/count.txt"

out=$("$PHPTRUN" -q --attribute --json "$tmp/r.json" suites/resident/static-cache-unbounded.phpt); status=$?
[ $status = 1 ] && json "$tmp/r.json" '$t["verdict"] === "LEAK" && $t["resident"]["attribution"] === "--attribute"
  && $t["resident"]["sites"][0]["line"] === 14
  && !in_array("attribution (second pass)", array_column($t["phases"], "name"), true)'
check "--attribute attributes in the judged run, without a second pass" $? "status $status; $out"

out=$("$PHPTRUN" -q --json "$tmp/r.json" suites/resident/static-cache-unbounded.phpt)
json "$tmp/r.json" '$t["resident"]["attribution"] === "second pass"
  && in_array("attribution (second pass)", array_column($t["phases"], "name"), true)'
check "without --attribute a LEAK gets its sites from a second pass" $? "$out"

err=$("$PHPTRUN" --repeat 0 suites 2>&1 >/dev/null); status=$?
[ $status = 2 ] && [[ "$err" == "phptrun: error: --repeat: expected a number of runs >= 1, got '0'" ]]
check "--repeat 0 is a usage error naming the flag" $? "status $status: $err"
err=$("$PHPTRUN" --attribute=yes suites 2>&1 >/dev/null); status=$?
[ $status = 2 ] && [[ "$err" == *"--attribute takes no value"* ]]
check "--attribute takes no value" $? "status $status: $err"

# Run length decided by the evidence: the Twig cache fills until request 126,
# so 200 iterations end undecided and the run is extended until it is flat;
# with --resident-budget 0 it is not extended, and says so.
out=$("$PHPTRUN" -v --json "$tmp/r.json" suites/resident/twig-templates-bounded.phpt); status=$?
[ $status = 0 ] && json "$tmp/r.json" '$t["verdict"] === "PASS" && $t["resident"]["extended"]["from"] === 200
  && $t["resident"]["iterations"] === 400 && $t["resident"]["decision"] === "bounded: stopped growing at iteration 126"' &&
  grep -q "PASS .*(bounded: stopped growing at iteration 126; extended from 200 to 400 iterations)" <<<"$out"
check "an undecided run is extended; -v says where it stopped growing" $? "status $status; $out"
out=$("$PHPTRUN" -v --resident-budget 0 --json "$tmp/r.json" suites/resident/twig-templates-bounded.phpt); status=$?
[ $status = 0 ] && json "$tmp/r.json" '!isset($t["resident"]["extended"]) && $t["resident"]["iterations"] === 200
  && str_starts_with($t["resident"]["decision"], "undecided: ")
  && str_ends_with($t["resident"]["decision"], "(the time budget or timeout ended the extension)")'
check "--resident-budget 0: no extension, and the decision says undecided" $? "status $status; $out; $(head -c 300 "$tmp/r.json")"
# A documented engine bound: a new regex per request fills PCRE's cache to its
# 4096 entries; the case passes as bounded, and the JSON says where the cache is.
out=$("$PHPTRUN" -v --json "$tmp/r.json" suites/resident/pcre-cache-bounded.phpt); status=$?
[ $status = 0 ] && json "$tmp/r.json" '$t["verdict"] === "PASS" && !isset($t["resident"]["extended"])
  && $t["resident"]["pcre_cache"]["limit"] === 4096 && $t["resident"]["pcre_cache"]["at_limit_since"] === 4096
  && $t["resident"]["pcre_cache"]["entries"] > 3584 && max($t["resident"]["series"]["pcre_cache"]) === 4096' &&
  grep -q "PASS .*(bounded: pcre_cache at its 4096-entry limit since iteration 4096" <<<"$out"
check "a PCRE cache at its 4096-entry limit is bounded; -v and the JSON say so" $? "status $status; $out"
# Below the limit the cache's growth is no leak: 100 iterations are extended
# toward it (to max_iterations, 8 x 100) and pass, saying where the cache stood.
sed 's/^iterations=8000$/iterations=100/' suites/resident/pcre-cache-bounded.phpt >"$tmp/pcre-short.phpt"
out=$("$PHPTRUN" -v --json "$tmp/r.json" "$tmp/pcre-short.phpt"); status=$?
[ $status = 0 ] && json "$tmp/r.json" '$t["verdict"] === "PASS" && $t["resident"]["extended"]["from"] === 100
  && $t["resident"]["iterations"] === 800 && $t["resident"]["pcre_cache"]["at_limit_since"] === null
  && str_starts_with($t["resident"]["decision"], "bounded: pcre_cache growing toward its documented 4096-entry limit (800 entries at iteration 800)")' &&
  grep -q "PASS .*(bounded: pcre_cache growing toward its documented 4096-entry limit (800 entries at iteration 800).*extended from 100 to 800 iterations)" <<<"$out"
check "a PCRE cache still filling below its limit is no leak: extended, PASS as bounded" $? "status $status; $out; $(head -c 400 "$tmp/r.json")"

err=$("$PHPTRUN" --resident-budget -1 suites 2>&1 >/dev/null); status=$?
[ $status = 2 ] && [[ "$err" == "phptrun: error: --resident-budget: expected seconds >= 0, got '-1'" ]]
check "--resident-budget -1 is a usage error naming the flag" $? "status $status: $err"

out=$("$PHPTRUN" -h)
[[ "$out" == *"--repeat N"* && "$out" == *"--attribute"* && "$out" == *"--resident-budget"* ]]
check "-h documents --repeat, --attribute and --resident-budget" $? "$out"

echo "$fails failed"
[ $fails = 0 ]
