<?php
// Compares phptrun's verdicts (from its --json report) with the verdicts
// run-tests.php gave the same files (a TSV: VERDICT<TAB>path relative to DIR).
// Usage: php compare_verdicts.php REPORT.json DIR EXPECTED.tsv
// Prints every disagreement and exits 1 if there is any, or if a case of the
// TSV is missing from the report.
[$self, $report_file, $dir, $tsv] = $argv + [null, null, null, null];
if ($tsv === null) { fwrite(STDERR, "usage: $self REPORT.json DIR EXPECTED.tsv\n"); exit(2); }
$report = json_decode(file_get_contents($report_file), true, 512, JSON_THROW_ON_ERROR);
$dir = rtrim($dir, '/') . '/';
$actual = [];
foreach ($report['tests'] as $t) {
    $rel = str_starts_with($t['file'], $dir) ? substr($t['file'], strlen($dir)) : $t['file'];
    $actual[$rel] = $t;
}
$expected = [];
foreach (file($tsv, FILE_IGNORE_NEW_LINES) as $line) {
    if ($line === '' || $line[0] === '#') continue;
    [$verdict, $path] = explode("\t", $line, 2);
    $expected[$path] = $verdict;
}
$bad = 0;
foreach ($expected as $path => $verdict) {
    if (!isset($actual[$path])) { echo "MISSING  $path (run-tests: $verdict)\n"; $bad++; continue; }
    $got = $actual[$path]['verdict'];
    if ($got !== $verdict) {
        echo "DIFFER   $path: run-tests $verdict, phptrun $got (" . $actual[$path]['reason'] . ")\n";
        $bad++;
    }
}
foreach ($actual as $path => $t) {
    if (!isset($expected[$path])) { echo "UNKNOWN  $path: phptrun {$t['verdict']} (not in the TSV)\n"; $bad++; }
}
$n = count($expected);
echo ($n - $bad) . " of $n verdicts agree with run-tests.php\n";
exit($bad ? 1 : 0);
