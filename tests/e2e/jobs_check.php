<?php
// End-to-end check of -j auto and cpu_ms on fixtures/jobs:
//  - -j auto (the default), on one CPU, runs more cases at once when
//    they sleep (peak_jobs in the JSON report), says so in its console
//    header, and never passes 4 per CPU; -j 1 runs one at a time and -j 2 at
//    most two (peak_jobs), whatever the cases do;
//  - cpu_ms is checked against ground truth phptrun did not compute: the
//    cases measure their own CPU with getrusage() and write it to files
//    (spin: 300 ms of computing; idle: a 400 ms sleep; child: a waited-for
//    child process computing, by the case's getrusage(RUSAGE_CHILDREN)).
//    phptrun's figure must be at least what the case measured of itself,
//    and not far above it; the sleeping cases' cpu_ms stays far below their
//    wall time.
// No wall-time assertions: only counts of cases at once and CPU figures.
// Usage: php jobs_check.php PHPTRUN DIR
if ($argc < 3) { fwrite(STDERR, "usage: jobs_check.php PHPTRUN DIR\n"); exit(2); }
[, $phptrun, $dir] = $argv;
$tmp = sys_get_temp_dir() . '/phptrun-jobs-e2e-' . getmypid();
@mkdir($tmp);

function run(array $cmd, array $env = []): array {
    $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env + getenv());
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    return [proc_close($proc), $out, $err];
}

$problems = [];
function check(bool $ok, string $text): void { global $problems; if (!$ok) $problems[] = $text; }

// phptrun runs on one CPU (taskset; -j auto counts the CPUs of its affinity
// mask), so that 15 cases are more than 4 per CPU on any machine.
$status = (string)file_get_contents('/proc/self/status');
check(preg_match('/^Cpus_allowed_list:\s*(\d+)/m', $status, $m) === 1, 'no Cpus_allowed_list in /proc/self/status');
$one_cpu = ['taskset', '-c', $m[1] ?? '0'];
$cpus = 1;

function report(string $phptrun, string $dir, string $tmp, array $jobs): array {
    global $one_cpu;
    @unlink("$tmp/r.json");
    foreach (glob("$tmp/*.cpu") as $f) unlink($f);
    $cmd = array_merge($one_cpu, [$phptrun], $jobs, ['--json', "$tmp/r.json", $dir]);
    [$status, $out, $err] = run($cmd, ['PHPTRUN_JOBS_OUT' => $tmp]);
    check($status === 0, implode(' ', $cmd) . ": exit status $status\n$out$err");
    $r = json_decode((string)@file_get_contents("$tmp/r.json"), true);
    check(is_array($r), implode(' ', $cmd) . ': no JSON report');
    return [$r ?: ['tests' => []], $out];
}

// -j auto, the default.
[$r, $out] = report($phptrun, $dir, $tmp, []);
$cases = count($r['tests']);
check($cases === 15, "15 cases expected, the report has $cases");
foreach ($r['tests'] as $t) check($t['verdict'] === 'PASS', "$t[file]: $t[verdict] $t[reason]");
$max = min(4 * $cpus, $cases);
check(($r['jobs'] ?? null) === $cpus, "-j auto: jobs should be $cpus (one per CPU), got " . json_encode($r['jobs'] ?? null));
check(($r['max_jobs'] ?? null) === $max, "-j auto: max_jobs should be $max, got " . json_encode($r['max_jobs'] ?? null));
check(($r['peak_jobs'] ?? 0) > $cpus, "-j auto: sleeping cases should run more than $cpus at once, peak_jobs is " . json_encode($r['peak_jobs'] ?? null));
check(($r['peak_jobs'] ?? 99) <= $max, "-j auto: peak_jobs above max_jobs: " . json_encode($r['peak_jobs'] ?? null));
check(str_contains($out, "15 cases, 1 job (auto: up to 4 while some wait)"),
      "-j auto: the console header should say so:\n$out");

$by = [];
foreach ($r['tests'] as $t) $by[basename($t['file'], '.phpt')] = $t;
foreach ($by as $name => $t) check(is_float($t['cpu_ms']) || is_int($t['cpu_ms']), "$name: cpu_ms is " . json_encode($t['cpu_ms']));
$own = [];
foreach (['spin', 'idle', 'child'] as $name) {
    $f = "$tmp/$name.cpu";
    check(is_file($f), "$name.phpt did not write $f");
    $own[$name] = is_file($f) ? (float)file_get_contents($f) : NAN;
}
// What the case measured of itself is part of what its process used; the
// rest (RINIT, compile, RSHUTDOWN, the process's own start) is small.
foreach (['spin', 'child'] as $name) {
    $cpu = (float)($by[$name]['cpu_ms'] ?? 0);
    check($cpu >= $own[$name], "$name: cpu_ms $cpu is below the {$own[$name]} ms the case measured itself");
    check($cpu <= $own[$name] * 1.25 + 60, "$name: cpu_ms $cpu is far above the {$own[$name]} ms the case measured itself");
}
check($own['spin'] >= 300, "spin measured {$own['spin']} ms, expected at least 300");
check($own['child'] >= 200, "child's waited children used {$own['child']} ms, expected at least 200");
$idle = (float)($by['idle']['cpu_ms'] ?? 1e9);
check($idle >= $own['idle'], "idle: cpu_ms $idle is below the {$own['idle']} ms the case measured itself");
check($idle < 100, "idle: cpu_ms $idle for a case that slept 400 ms");
check($idle < (float)($by['idle']['time_ms'] ?? 0) / 4, "idle: cpu_ms $idle is not far below its wall time");
foreach ($by as $name => $t) {
    if (str_starts_with($name, 'sleep-')) check($t['cpu_ms'] < 100, "$name: cpu_ms $t[cpu_ms] for a case that sleeps");
}

// A fixed -j keeps its meaning: at most N at once.
foreach ([1, 2] as $n) {
    [$r, $out] = report($phptrun, $dir, $tmp, ["-j$n"]);
    check(($r['jobs'] ?? null) === $n && ($r['max_jobs'] ?? null) === $n, "-j$n: jobs/max_jobs " . json_encode([$r['jobs'] ?? null, $r['max_jobs'] ?? null]));
    check(($r['peak_jobs'] ?? 99) <= $n && ($r['peak_jobs'] ?? 0) >= 1, "-j$n: peak_jobs " . json_encode($r['peak_jobs'] ?? null));
    check(!str_contains($out, 'auto:'), "-j$n: the header mentions auto:\n$out");
    foreach ($r['tests'] as $t) check($t['verdict'] === 'PASS', "-j$n: $t[file]: $t[verdict]");
    $spin = null;
    foreach ($r['tests'] as $t) if (basename($t['file']) === 'spin.phpt') $spin = $t['cpu_ms'];
    $own_spin = (float)@file_get_contents("$tmp/spin.cpu");
    check($spin !== null && $spin >= $own_spin, "-j$n: spin cpu_ms " . json_encode($spin) . " below its own $own_spin");
}

foreach (glob("$tmp/*") as $f) unlink($f);
rmdir($tmp);
if ($problems) {
    fwrite(STDERR, implode("\n", $problems) . "\n");
    exit(1);
}
echo "jobs: -j auto peaks above the CPUs with sleeping cases, -j 1/-j 2 never above N; cpu_ms matches the cases' own getrusage\n";
