<?php
// The comparison half of bench/parity (see there).
// Usage: parity-compare.php RUNS.tsv RUN-TESTS-TREE CPUS DIR...
// RUNS.tsv: one line per run: runner (run-tests|phptrun), -j, "T0 T1"
// (seconds since the epoch), its verdicts (run-tests' -W file or phptrun's
// JSON report), the load average after it.
[, $runs_file, $rt_tree, $cpus] = $argv;
$cpus = max(1, (int)$cpus);
$dirs = array_slice($argv, 4);
$rt_tree = rtrim(realpath($rt_tree), '/') . '/';

$runs = [];
foreach (file($runs_file, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) as $line) {
    [$runner, $jobs, $times, $file, $load] = explode("\t", $line);
    [$t0, $t1] = explode(' ', $times);
    $runs[] = ['runner' => $runner, 'jobs' => $jobs, 's' => (float)$t1 - (float)$t0,
               'file' => $file, 'load' => $load];
}

function run_tests_verdicts(string $file, string $rt_tree): array {
    $rt = [];
    foreach (file($file, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) ?: [] as $line) {
        [$result, $path] = explode("\t", $line, 2);
        if (str_starts_with($path, $rt_tree)) $path = substr($path, strlen($rt_tree));
        // -W writes PASSED, FAILED, SKIPPED, ...; the counted verdict drops "ED".
        $rt[$path] = $result === 'SKIPPED' ? 'SKIP' : preg_replace('/ED$/', '', $result);
    }
    return $rt;
}

$rt_runs = array_values(array_filter($runs, fn($r) => $r['runner'] === 'run-tests'));
$pt_runs = array_values(array_filter($runs, fn($r) => $r['runner'] === 'phptrun'));
if (!$rt_runs || !$pt_runs) { fwrite(STDERR, "parity-compare: need a run of each runner\n"); exit(2); }
$rt = run_tests_verdicts($rt_runs[0]['file'], $rt_tree);

$dir_of = function (string $path) use ($dirs): string {
    foreach ($dirs as $d) if (str_starts_with($path, rtrim($d, '/') . '/')) return $d;
    return '(other)';
};

// Per phptrun run: verdicts against the first run-tests run, and what its
// JSON report says of the time: CPU per case, the longest case, waiting.
foreach ($pt_runs as $k => $run) {
    $report = json_decode(file_get_contents($run['file']), true, 512, JSON_THROW_ON_ERROR);
    $pt = [];
    $engine_ms = $cpu_ms = $wall_ms = $longest_ms = 0.0;
    $cpu_unknown = 0;
    $longest = '';
    foreach ($report['tests'] as $t) {
        $pt[$t['file']] = $t;
        // In-engine time: every phase but "runner", which is phptrun's own
        // share of the case (fork, exit, pipes, parsing, judging).
        foreach ($t['phases'] as $p) if ($p['name'] !== 'runner') $engine_ms += $p['ms'];
        $wall_ms += $t['time_ms'];
        if ($t['cpu_ms'] === null) $cpu_unknown++; else $cpu_ms += $t['cpu_ms'];
        if ($t['time_ms'] > $longest_ms) { $longest_ms = $t['time_ms']; $longest = $t['file']; }
    }
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
    $pt_runs[$k] += ['stats' => $stats, 'disagree' => $disagree, 'engine_ms' => $engine_ms,
        'cpu_ms' => $cpu_ms, 'cpu_unknown' => $cpu_unknown, 'wall_ms' => $wall_ms,
        'longest_ms' => $longest_ms, 'longest' => $longest, 'peak' => $report['peak_jobs'] ?? null,
        'cases' => count($report['tests']), 'rss_kb' => $report['supervisor_max_rss_kb'] ?? null];
}

foreach ($pt_runs as $run) {
    $stats = $run['stats'];
    $total = array_sum(array_column($stats, 'n'));
    $agree = array_sum(array_column($stats, 'agree'));
    printf("\nphptrun -j%s against run-tests.php -j%s\n", $run['jobs'], $rt_runs[0]['jobs']);
    printf("%-28s %7s %7s %8s\n", 'directory', 'cases', 'agree', 'percent');
    foreach ($dirs as $d) {
        if (!isset($stats[$d])) continue;
        $s = $stats[$d];
        printf("%-28s %7d %7d %7.2f%%\n", $d, $s['n'], $s['agree'], 100 * $s['agree'] / max(1, $s['n']));
    }
    printf("%-28s %7d %7d %7.2f%%\n", 'all', $total, $agree, 100 * $agree / max(1, $total));
    echo "Disagreements (run-tests, phptrun, case):\n",
        $run['disagree'] ? implode("\n", $run['disagree']) . "\n" : "  none\n";
}

echo "\nWall time (load average after each run in brackets):\n";
$best_rt = min(array_column($rt_runs, 's'));
foreach ($rt_runs as $run) {
    printf("  run-tests.php -j%-4s %7.1f s   [%s]\n", $run['jobs'], $run['s'], $run['load']);
}
foreach ($pt_runs as $run) {
    printf("  phptrun -j%-10s %7.1f s   [%s]  %.2fx run-tests -j%s, %.2fx its best (%.1f s)\n",
        $run['jobs'], $run['s'], $run['load'], $rt_runs[0]['s'] / $run['s'], $rt_runs[0]['jobs'],
        $best_rt / $run['s'], $best_rt);
}

echo "\nphptrun's runs, from their JSON reports:\n";
foreach ($pt_runs as $run) {
    // The CPU bound: the CPU the cases need over the cores, plus the
    // longest case (which no schedule can shorten).
    $bound = $run['cpu_ms'] / 1000 / $cpus + $run['longest_ms'] / 1000;
    printf("  -j%s: %d cases, CPU of cases %.1f s (%d unknown), longest case %.1f s (%s)\n",
        $run['jobs'], $run['cases'], $run['cpu_ms'] / 1000, $run['cpu_unknown'],
        $run['longest_ms'] / 1000, $run['longest']);
    printf("       CPU bound (CPU / %d cores + longest) %.1f s, wall / bound = %.2f\n",
        $cpus, $bound, $run['s'] / max(0.001, $bound));
    printf("       sum of case wall times %.1f s, of which waiting (wall - CPU) %.1f%%; most cases at once %s; supervisor peak RSS %s kB\n",
        $run['wall_ms'] / 1000, 100 * (1 - $run['cpu_ms'] / max(0.001, $run['wall_ms'])),
        json_encode($run['peak']), json_encode($run['rss_kb']));
    if (ctype_digit((string)$run['jobs'])) {
        $old = $run['engine_ms'] / 1000 / (int)$run['jobs'];
        printf("       in-engine time / %d workers %.1f s, wall / that = %.2f\n",
            (int)$run['jobs'], $old, $run['s'] / max(0.001, $old));
    }
}
