<?php
// End-to-end check of --timings, --shard, --shard-timings and phptrun merge on
// fixtures/shards (16 cases that usleep 160-480 ms, a CONFLICTS pair, a SKIP, a
// FAIL whose title repeats the others'):
//  - a full run records the times; --timings with -j1 starts the longest
//    recorded cases first (the trace's case start times show the order);
//  - --list --shard K/N for N = 4: disjoint, their union is the full list;
//    the CONFLICTS pair is in one shard; bad K/N and a malformed timings
//    file are usage errors naming the flag or file;
//  - 4 shards balanced by the recorded times: each runs what --list said,
//    no case twice, the union of their cases is the full run's, and the sums
//    of their recorded times are within 25% of each other;
//  - phptrun merge --json / --junit: the merged reports equal the full run's
//    up to times (cases, names, verdicts, reasons, counts), exit 1 (a FAIL);
//    a shard left out, a shard given twice and a report of another run are
//    reported (exit 1, 1, 2);
//  - every JUnit file (full, shards, merged) is valid against
//    fixtures/reports/junit-subset.xsd (xmllint) and its testcase names are
//    unique per suite and classname.
// Usage: php check_shards.php PHPTRUN   (from the source directory)
if ($argc < 2) { fwrite(STDERR, "usage: check_shards.php PHPTRUN\n"); exit(2); }
$phptrun = $argv[1];
$dir = 'fixtures/shards';
$xsd = 'fixtures/reports/junit-subset.xsd';
$tmp = sys_get_temp_dir() . '/phptrun-shards-e2e-' . getmypid();
@mkdir($tmp);

function run(array $cmd): array {
    $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    return [proc_close($proc), $out, $err];
}
$problems = [];
function check(bool $ok, string $text): void { global $problems; if (!$ok) $problems[] = $text; }
function json_file(string $path): array {
    $data = json_decode(@file_get_contents($path), true);
    check(is_array($data), "$path: missing or not JSON");
    return is_array($data) ? $data : ['tests' => [], 'summary' => []];
}
// What a report says, without times: file, name, verdict, reason.
function outcomes(array $report): array {
    $rows = array_map(fn($t) => [$t['file'], $t['name'], $t['verdict'], $t['reason']], $report['tests']);
    sort($rows);
    return $rows;
}
function junit_valid(string $file): void {
    global $xsd;
    [$status, , $err] = run(['xmllint', '--noout', '--schema', $xsd, $file]);
    check($status === 0, "$file is not valid against $xsd: $err");
    $doc = simplexml_load_file($file);
    $seen = [];
    foreach ($doc->testsuite as $suite) {
        foreach ($suite->testcase as $tc) {
            $key = "{$suite['name']}\n{$tc['classname']}\n{$tc['name']}";
            check(!isset($seen[$key]), "$file: two testcases named '{$tc['name']}' in suite {$suite['name']}");
            $seen[$key] = true;
        }
    }
}
// JUnit without times: suite => [name => outcome element and type].
function junit_outcomes(string $file): array {
    $doc = simplexml_load_file($file);
    $out = [];
    foreach ($doc->testsuite as $suite) {
        foreach (['tests', 'failures', 'errors', 'skipped'] as $a) $out["{$suite['name']} $a"] = (string)$suite[$a];
        foreach ($suite->testcase as $tc) {
            $kind = '';
            foreach ($tc->children() as $child) if ($child->getName() !== 'system-out') $kind = $child->getName() . ':' . $child['type'];
            $out["{$suite['name']} {$tc['name']}"] = $kind;
        }
    }
    foreach (['tests', 'failures', 'errors'] as $a) $out["root $a"] = (string)$doc[$a];
    ksort($out);
    return $out;
}

// ---- a full run, then --timings ---------------------------------------------------
[$status, $out, $err] = run([$phptrun, '-q', '-j2', '--json', "$tmp/full.json", '--junit', "$tmp/full.xml", $dir]);
check($status === 1, "full run: exit $status, expected 1 (one FAIL)\n$out$err");
$full = json_file("$tmp/full.json");
check(count($full['tests']) === 20, "full run: " . count($full['tests']) . " cases, expected 20");
junit_valid("$tmp/full.xml");
$recorded = array_column($full['tests'], 'time_ms', 'file');

[$status, $out, $err] = run([$phptrun, '-q', '-j1', '--timings', "$tmp/full.json", '--trace', "$tmp/order.json", $dir]);
$trace = json_file("$tmp/order.json");
$starts = [];
foreach ($trace['traceEvents'] ?? [] as $e) if (($e['cat'] ?? '') === 'case') $starts[$e['name']] = $e['ts'];
asort($starts);
// The CONFLICTS pair cannot start while its other half runs (with -j1 the
// worker's next case is handed out while one runs): everything else starts
// by falling recorded time.
$order = array_values(array_filter(array_keys($starts), fn($f) => !str_contains($f, '/locked/')));
$times = array_map(fn($f) => $recorded[$f] ?? -1, $order);
$expected = $times;
rsort($expected);
check(count($starts) === 20, "--timings run: " . count($starts) . " cases in the trace");
check($times === $expected, "--timings -j1 did not start the longest recorded cases first: " . implode(', ', array_map(fn($f, $t) => basename($f) . "=" . round($t), $order, $times)));
// Without timings the order is the file order: the check above can fail.
[$status] = run([$phptrun, '-q', '-j1', '--trace', "$tmp/plain-order.json", $dir]);
$plain = [];
foreach (json_file("$tmp/plain-order.json")['traceEvents'] ?? [] as $e) {
    if (($e['cat'] ?? '') === 'case' && !str_contains($e['name'], '/locked/')) $plain[$e['name']] = $e['ts'];
}
asort($plain);
check(array_map(fn($f) => $recorded[$f] ?? -1, array_keys($plain)) !== $expected, "without --timings the order is already longest first: the --timings check proves nothing");

// ---- usage errors -------------------------------------------------------------------
foreach (['0/4', '5/4', 'x'] as $bad) {
    [$status, , $err] = run([$phptrun, '--shard', $bad, $dir]);
    check($status === 2 && str_contains($err, '--shard') && str_contains($err, $bad), "--shard $bad: exit $status, $err");
}
file_put_contents("$tmp/broken.json", '{"tests": [');
[$status, , $err] = run([$phptrun, '--shard', '1/2', '--shard-timings', "$tmp/broken.json", $dir]);
check($status === 2 && str_contains($err, "$tmp/broken.json"), "a malformed --shard-timings file: exit $status, $err");
[$status, , $err] = run([$phptrun, '--timings', "$tmp/absent.json", $dir]);
check($status === 2 && str_contains($err, "$tmp/absent.json"), "a missing --timings file: exit $status, $err");

// ---- --list --shard ------------------------------------------------------------------
[, $all] = run([$phptrun, '--list', $dir]);
$all = array_filter(explode("\n", $all));
$listed = [];
for ($k = 1; $k <= 4; $k++) {
    [$status, $list] = run([$phptrun, '-j1', '--list', '--shard', "$k/4", '--shard-timings', "$tmp/full.json", $dir]);
    $listed[$k] = array_values(array_filter(explode("\n", $list)));
    $locked = count(array_filter($listed[$k], fn($f) => str_contains($f, '/locked/')));
    check($locked === 0 || $locked === 2, "shard $k/4 has $locked of the CONFLICTS pair");
}
$union = array_merge(...array_values($listed));
check(count($union) === count(array_unique($union)), "--list --shard: a case in two shards");
sort($union);
check($union === $all, "--list --shard: the union of the shards is not the full list");

// ---- 4 shards, balanced by recorded times ------------------------------------------------
$sums = [];
$shard_cases = [];
for ($k = 1; $k <= 4; $k++) {
    [$status, $out, $err] = run([$phptrun, '-q', '-j1', '--shard', "$k/4", '--shard-timings', "$tmp/full.json",
                                 '--json', "$tmp/shard$k.json", '--junit', "$tmp/shard$k.xml", $dir]);
    $r = json_file("$tmp/shard$k.json");
    $files = array_column($r['tests'], 'file');
    sort($files);
    $want = $listed[$k];
    sort($want);
    check($files === $want, "shard $k/4 ran other cases than --list --shard said");
    check(($r['shard']['index'] ?? 0) === $k && ($r['shard']['count'] ?? 0) === 4 && ($r['shard']['collected'] ?? 0) === 20,
          "shard $k/4: the report's shard facts are " . json_encode($r['shard'] ?? null));
    $sums[$k] = array_sum(array_column($r['tests'], 'time_ms'));
    $shard_cases = array_merge($shard_cases, $files);
    junit_valid("$tmp/shard$k.xml");
}
check(count($shard_cases) === count(array_unique($shard_cases)), "a case ran in two shards");
$full_files = array_column($full['tests'], 'file');
sort($full_files);
sort($shard_cases);
check($shard_cases === $full_files, "the shards' cases are not the full run's");
check(max($sums) <= 1.25 * min($sums), "shards' recorded times not within 25%: " . implode(', ', array_map(fn($s) => round($s) . ' ms', $sums)));

// ---- merge ---------------------------------------------------------------------------
$shard_json = array_map(fn($k) => "$tmp/shard$k.json", range(1, 4));
$shard_xml = array_map(fn($k) => "$tmp/shard$k.xml", range(1, 4));
[$status, , $err] = run(array_merge([$phptrun, 'merge', '--json', '-o', "$tmp/merged.json"], $shard_json));
check($status === 1, "merge --json: exit $status, expected 1 (the FAIL)\n$err");
$merged = json_file("$tmp/merged.json");
check(outcomes($merged) === outcomes($full), "the merged JSON's cases differ from the full run's");
check($merged['summary'] == $full['summary'], "merged summary " . json_encode($merged['summary']) . " != full " . json_encode($full['summary']));
check(count(array_filter($merged['tests'], fn($t) => preg_match('~^[1-4]/4$~', $t['shard'] ?? ''))) === 20, "merged JSON: not every case names its shard");
check(($merged['merge']['problems'] ?? ['?']) === [], "merge reported problems: " . json_encode($merged['merge']['problems'] ?? null));

[$status, , $err] = run(array_merge([$phptrun, 'merge', '--junit', '-o', "$tmp/merged.xml"], $shard_xml));
check($status === 1, "merge --junit: exit $status, expected 1\n$err");
junit_valid("$tmp/merged.xml");
check(junit_outcomes("$tmp/merged.xml") === junit_outcomes("$tmp/full.xml"), "the merged JUnit differs from the full run's (up to times)");

// A shard left out, a shard twice, a report of another run.
[$status, , $err] = run(array_merge([$phptrun, 'merge', '--json', '-o', "$tmp/m2.json"], array_slice($shard_json, 0, 3)));
check($status === 1 && str_contains($err, 'shard 4/4 has no report'), "merge without shard 4: exit $status, $err");
[$status, , $err] = run(array_merge([$phptrun, 'merge', '--junit', '-o', "$tmp/m3.xml"], $shard_xml, [$shard_xml[1]]));
check($status === 1 && str_contains($err, 'given twice') && str_contains($err, 'twice: '), "merge with shard 2 twice: exit $status, $err");
$other = json_file($shard_json[0]);
$other['shard']['digest'] = '0000000000000000';
file_put_contents("$tmp/other.json", json_encode($other));
[$status, , $err] = run(array_merge([$phptrun, 'merge', '--json', '-o', "$tmp/m4.json"], array_slice($shard_json, 1), ["$tmp/other.json"]));
check($status === 2 && str_contains($err, "$tmp/other.json"), "merge with a report of another run: exit $status, $err");
[$status, , $err] = run([$phptrun, 'merge', '--json', '-o', "$tmp/m5.json", "$tmp/full.json"]);
check($status === 2 && str_contains($err, 'not a shard'), "merge of an unsharded report: exit $status, $err");

array_map('unlink', glob("$tmp/*"));
@rmdir($tmp);
if ($problems) {
    echo implode("\n", $problems), "\n", count($problems), " problem(s)\n";
    exit(1);
}
printf("4 shards of 20 cases: recorded %s ms; merged JSON and JUnit equal the full run up to times\n",
       implode(' / ', array_map('round', $sums)));
