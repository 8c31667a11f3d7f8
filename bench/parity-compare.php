<?php
// The comparison half of bench/parity (see there).
// Usage: parity-compare.php RUN-TESTS.tsv RUN-TESTS-TREE PHPTRUN.json T0 T1 T2 JOBS DIR...
// (T0..T1: run-tests.php's run, T1..T2: phptrun's, in seconds since the epoch)
[, $rt_file, $rt_tree, $pt_file, $t0, $t1, $t2, $jobs] = $argv;
$rt_s = (float)$t1 - (float)$t0;
$pt_s = (float)$t2 - (float)$t1;
$dirs = array_slice($argv, 8);
$rt_tree = rtrim(realpath($rt_tree), '/') . '/';

$rt = [];
foreach (file($rt_file, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) as $line) {
    [$result, $path] = explode("\t", $line, 2);
    if (str_starts_with($path, $rt_tree)) $path = substr($path, strlen($rt_tree));
    // -W writes PASSED, FAILED, SKIPPED, ...; the counted verdict drops "ED".
    $rt[$path] = $result === 'SKIPPED' ? 'SKIP' : preg_replace('/ED$/', '', $result);
}
$report = json_decode(file_get_contents($pt_file), true, 512, JSON_THROW_ON_ERROR);
$pt = [];
$engine_ms = 0.0;
foreach ($report['tests'] as $t) {
    $pt[$t['file']] = $t;
    // In-engine time: every phase but "runner", which is phptrun's own
    // share of the case (fork, exit, pipes, parsing, judging).
    foreach ($t['phases'] as $p) if ($p['name'] !== 'runner') $engine_ms += $p['ms'];
}

$dir_of = function (string $path) use ($dirs): string {
    foreach ($dirs as $d) if (str_starts_with($path, rtrim($d, '/') . '/')) return $d;
    return '(other)';
};
$stats = [];
$disagree = [];
foreach (array_unique(array_merge(array_keys($rt), array_keys($pt))) as $path) {
    $d = $dir_of($path);
    $stats[$d] ??= ['n' => 0, 'agree' => 0];
    $stats[$d]['n']++;
    $a = $rt[$path] ?? 'MISSING';
    $b = $pt[$path]['verdict'] ?? 'MISSING';
    if ($a === $b) { $stats[$d]['agree']++; continue; }
    $disagree[] = sprintf("  %-5s %-5s %s%s", $a, $b, $path,
        isset($pt[$path]) && $pt[$path]['reason'] !== '' ? '  (' . $pt[$path]['reason'] . ')' : '');
}

$total = array_sum(array_column($stats, 'n'));
$agree = array_sum(array_column($stats, 'agree'));
printf("\n%-28s %7s %7s %8s\n", 'directory', 'cases', 'agree', 'percent');
foreach ($dirs as $d) {
    if (!isset($stats[$d])) continue;
    $s = $stats[$d];
    printf("%-28s %7d %7d %7.2f%%\n", $d, $s['n'], $s['agree'], 100 * $s['agree'] / max(1, $s['n']));
}
printf("%-28s %7d %7d %7.2f%%\n", 'all', $total, $agree, 100 * $agree / max(1, $total));
echo "\nDisagreements (run-tests, phptrun, case):\n", $disagree ? implode("\n", $disagree) . "\n" : "  none\n";
$bound = $engine_ms / 1000 / $jobs;
printf("\nwall time: run-tests.php %.1f s, phptrun %.1f s, ratio %.2fx\n", $rt_s, $pt_s, $rt_s / $pt_s);
printf("phptrun lower bound (in-engine time / %d workers): %.1f s; wall / bound = %.2f\n",
    $jobs, $bound, $pt_s / max(0.001, $bound));
