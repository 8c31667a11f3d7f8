<?php
// End-to-end check: runs phptrun on DIR with --json and --junit, then checks
//  - every verdict equals the one run-tests.php gave (EXPECTED.tsv),
//  - the JSON report parses, its summary matches its tests,
//  - the JUnit file parses as XML, is valid against Jenkins' junit-10.xsd
//    (our subset, fixtures/reports/junit-subset.xsd, with xmllint), holds one
//    <testcase> per case named "TITLE [FILE]" with the verdict's element (a
//    WARN&FAIL a <failure>, as in run-tests' JUnit), and its counts add up,
//  - the exit status is 1 exactly when a FAIL, BORK or LEAK is expected.
// Usage: php run_and_check.php PHPTRUN DIR EXPECTED.tsv [extra phptrun args...]
if ($argc < 4) { fwrite(STDERR, "usage: run_and_check.php PHPTRUN DIR EXPECTED.tsv [args]\n"); exit(2); }
[, $phptrun, $dir, $tsv] = $argv;
$extra = array_slice($argv, 4);
$tmp = sys_get_temp_dir() . '/phptrun-e2e-' . getmypid();
@mkdir($tmp);
$json_file = "$tmp/report.json";
$junit_file = "$tmp/junit.xml";

$cmd = array_merge([$phptrun, '-q', '--json', $json_file, '--junit', $junit_file], $extra, [$dir]);
$proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
$stdout = stream_get_contents($pipes[1]);
$stderr = stream_get_contents($pipes[2]);
$status = proc_close($proc);

$problems = [];
function problem(string $text): void { global $problems; $problems[] = $text; }

$report = json_decode(@file_get_contents($json_file), true);
if (!is_array($report)) {
    problem("the JSON report is missing or does not parse: " . json_last_error_msg());
    $report = ['tests' => [], 'summary' => []];
}
$prefix = rtrim($dir, '/') . '/';
$actual = [];
foreach ($report['tests'] as $t) {
    $rel = str_starts_with($t['file'], $prefix) ? substr($t['file'], strlen($prefix)) : $t['file'];
    $actual[$rel] = $t;
}
// run-tests.php has no RESIDENT section (it BORKs such cases): their verdicts
// are phptrun's own, checked by resident_check.php, not compared here.
$is_resident = fn(string $rel) => str_contains((string)@file_get_contents($prefix . $rel), "\n--RESIDENT--\n");

// Verdicts against run-tests.php's.
$expected = [];
foreach (file($tsv, FILE_IGNORE_NEW_LINES) as $line) {
    if ($line === '' || $line[0] === '#') continue;
    [$verdict, $path] = explode("\t", $line, 2);
    $expected[$path] = $verdict;
}
foreach ($expected as $path => $verdict) {
    if ($is_resident($path)) continue;
    if (!isset($actual[$path])) { problem("$path: missing from the report (run-tests: $verdict)"); continue; }
    $got = $actual[$path]['verdict'];
    if ($got !== $verdict) problem("$path: run-tests says $verdict, phptrun says $got ({$actual[$path]['reason']})");
}
foreach ($actual as $path => $t) {
    if (!isset($expected[$path]) && !$is_resident($path)) problem("$path: in the report but not in $tsv");
}

// JSON summary consistent with its tests.
$counts = array_count_values(array_column($report['tests'], 'verdict'));
foreach ($report['summary'] as $verdict => $n) {
    if (($counts[$verdict] ?? 0) !== $n) problem("JSON summary says $n $verdict, the tests list has " . ($counts[$verdict] ?? 0));
}

// JUnit: parses, one testcase per case, elements and counts match verdicts.
libxml_use_internal_errors(true);
$xml = simplexml_load_file($junit_file);
if ($xml === false) {
    problem("the JUnit file does not parse: " . implode('; ', array_map(fn($e) => trim($e->message), libxml_get_errors())));
} else {
    $cases = $xml->xpath('//testcase');
    if (count($cases) !== count($report['tests'])) problem("JUnit has " . count($cases) . " testcases, JSON " . count($report['tests']));
    $element = ['FAIL' => 'failure', 'LEAK' => 'failure', 'BORK' => 'error', 'SKIP' => 'skipped', 'XFAIL' => 'skipped', 'XLEAK' => 'skipped'];
    $by_file = [];
    foreach ($cases as $c) {
        $name = (string)$c['name'];
        $at = strrpos($name, ' [');  // titles may hold " [" too: the path is last
        $file = $at !== false && str_ends_with($name, ']') ? substr($name, $at + 2, -1) : $name;
        if (isset($by_file[$file])) problem("JUnit: two testcases for $file");
        $by_file[$file] = $c;
    }
    [$xsd_status, , $xsd_err] = (function (array $cmd) {
        $p = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        return [proc_close($p), $out, $err];
    })(['xmllint', '--noout', '--schema', __DIR__ . '/../../fixtures/reports/junit-subset.xsd', $junit_file]);
    if ($xsd_status !== 0) problem("the JUnit file is not valid against junit-subset.xsd: $xsd_err");
    $warn_fails = 0;
    foreach ($report['tests'] as $t) {
        $c = $by_file[$t['file']] ?? null;
        if ($c === null) { problem("JUnit lacks a testcase for {$t['file']}"); continue; }
        $want = $element[$t['verdict']] ?? null;
        if (($t['label'] ?? '') === 'WARN&FAIL') {
            $want = 'failure';
            $warn_fails++;
        }
        foreach (['failure', 'error', 'skipped'] as $e) {
            $has = isset($c->$e);
            if ($has !== ($e === $want)) problem("JUnit testcase {$t['file']} ({$t['verdict']}): <$e> " . ($has ? 'present' : 'absent'));
        }
    }
    $failures = ($counts['FAIL'] ?? 0) + ($counts['LEAK'] ?? 0) + $warn_fails;
    $errors = $counts['BORK'] ?? 0;
    $skipped = ($counts['SKIP'] ?? 0) + ($counts['XFAIL'] ?? 0) + ($counts['XLEAK'] ?? 0);
    foreach (['tests' => count($report['tests']), 'failures' => $failures, 'errors' => $errors] as $attr => $n) {
        if ((int)$xml[$attr] !== $n) problem("JUnit root $attr=" . $xml[$attr] . ", expected $n");
    }
    // junit-10.xsd has `skipped` on the suites only.
    $suite_skipped = array_sum(array_map(fn($s) => (int)$s['skipped'], $xml->xpath('//testsuite')));
    if ($suite_skipped !== $skipped) problem("JUnit suites skip $suite_skipped, expected $skipped");
}

$should_fail = count(array_intersect($expected, ['FAIL', 'BORK', 'LEAK'])) > 0;
if ($status !== ($should_fail ? 1 : 0)) problem("exit status $status, expected " . ($should_fail ? 1 : 0) . "\nstderr: $stderr");

require __DIR__ . '/case_files_check.php';
check_case_files($dir, $report['tests'], 'problem');

// No leftovers of the run next to the tests.
$it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($dir, FilesystemIterator::SKIP_DOTS));
foreach ($it as $f) {
    if (preg_match('/\.(skip\.php|clean\.php|out|diff|exp|log|mem)$/', $f->getFilename())) problem("left behind: $f");
}

array_map('unlink', glob("$tmp/*"));
@rmdir($tmp);
$n = count($expected);
if ($problems) {
    echo implode("\n", $problems), "\n";
    echo count($problems) . " problem(s); phptrun printed:\n$stdout";
    exit(1);
}
echo "$n cases: verdicts agree with run-tests.php; JSON and JUnit valid and consistent\n";
