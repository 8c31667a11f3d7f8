<?php
// End-to-end check of resident runs (DESIGN.md "Resident scenarios"): runs
// phptrun on DIR with --json and --junit, then checks
//  - every verdict, and the text its reason (a PASS: its resident decision)
//    must contain, against EXPECTED.tsv (VERDICT<TAB>path<TAB>text), phptrun's own expectations since
//    run-tests.php has no RESIDENT section;
//  - the JSON "resident" object of every case that ran: mode and iterations
//    as the section says, ten series as long as the completed iterations,
//    growth per metric, no leaking metric unless LEAK/XLEAK, and for those a
//    positive growth on every leaking metric and sites from the attribution;
//  - a case whose FILE marks a line with "// <-- leak site": the top site of
//    its LEAK is that line of that file;
//  - JUnit: <failure type="leak"> whose message is the one-line reason;
//  - the console: one line per LEAK naming the case, a growth per iteration
//    and its top site;
//  - the exit status, and nothing left behind next to the tests.
// Usage: php resident_check.php PHPTRUN DIR EXPECTED.tsv [extra phptrun args...]
if ($argc < 4) { fwrite(STDERR, "usage: resident_check.php PHPTRUN DIR EXPECTED.tsv [args]\n"); exit(2); }
[, $phptrun, $dir, $tsv] = $argv;
$extra = array_slice($argv, 4);
$tmp = sys_get_temp_dir() . '/phptrun-resident-e2e-' . getmypid();
@mkdir($tmp);
$json_file = "$tmp/report.json";
$junit_file = "$tmp/junit.xml";

$cmd = array_merge([$phptrun, '--json', $json_file, '--junit', $junit_file], $extra, [$dir]);
$proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
$stdout = stream_get_contents($pipes[1]);
$stderr = stream_get_contents($pipes[2]);
$status = proc_close($proc);

$problems = [];
function problem(string $text): void { global $problems; $problems[] = $text; }

$report = json_decode((string)@file_get_contents($json_file), true);
if (!is_array($report)) {
    problem("the JSON report is missing or does not parse: " . json_last_error_msg());
    $report = ['tests' => []];
}
$prefix = rtrim($dir, '/') . '/';
$actual = [];
foreach ($report['tests'] as $t) {
    $rel = str_starts_with($t['file'], $prefix) ? substr($t['file'], strlen($prefix)) : $t['file'];
    $actual[$rel] = $t;
}

// Verdicts and reasons.
$expected = [];
foreach (file($tsv, FILE_IGNORE_NEW_LINES) as $line) {
    if ($line === '' || $line[0] === '#') continue;
    $fields = explode("\t", $line);
    $expected[$fields[1]] = ['verdict' => $fields[0], 'reason' => $fields[2] ?? ''];
}
foreach ($expected as $path => $want) {
    $t = $actual[$path] ?? null;
    if ($t === null) { problem("$path: missing from the report (expected {$want['verdict']})"); continue; }
    if ($t['verdict'] !== $want['verdict']) problem("$path: expected {$want['verdict']}, phptrun says {$t['verdict']} ({$t['reason']})");
    // A PASS has no reason: its text is what the resident decision says.
    $said = $want['verdict'] === 'PASS' ? ($t['resident']['decision'] ?? '') : $t['reason'];
    if ($want['reason'] !== '' && !str_contains($said, $want['reason'])) {
        problem("$path: the " . ($want['verdict'] === 'PASS' ? 'decision' : 'reason') . " does not contain \"{$want['reason']}\": \"$said\"");
    }
}
foreach ($actual as $path => $t) {
    if (!isset($expected[$path])) problem("$path: in the report but not in $tsv");
}

// The RESIDENT section as the checker reads it: just enough for the checks.
function resident_section(string $phpt): array {
    $text = file_get_contents($phpt);
    $keys = ['mode' => 'requests', 'iterations' => 100];
    if (preg_match('/^--RESIDENT--\n(.*?)^--/ms', $text, $m)) {
        foreach (explode("\n", $m[1]) as $line) {
            $line = trim(preg_replace('/[;#].*/', '', $line));
            if (str_contains($line, '=')) {
                [$k, $v] = array_map('trim', explode('=', $line, 2));
                $keys[$k] = $v;
            }
        }
    }
    $keys['leak_site'] = 0;
    if (preg_match('/^--FILE--\n(.*?)^--/ms', $text, $m)) {
        foreach (explode("\n", $m[1]) as $n => $line) {
            if (str_contains($line, '// <-- leak site')) $keys['leak_site'] = $n + 1;
        }
    }
    return $keys;
}

$metrics = ['heap', 'persistent', 'classes', 'functions', 'constants', 'objects', 'gc_roots', 'resources', 'interned_strings', 'pcre_cache'];
foreach ($actual as $path => $t) {
    if (in_array($t['verdict'], ['BORK', 'SKIP'], true)) continue;
    $r = $t['resident'] ?? null;
    if (!is_array($r)) { problem("$path: no \"resident\" object in the JSON report"); continue; }
    $section = resident_section($t['file']);
    if ($r['mode'] !== $section['mode']) problem("$path: resident.mode {$r['mode']}, the section says {$section['mode']}");
    // An undecided verdict may extend the run (doubling): then "extended"
    // names the configured iterations and why.
    $configured = isset($r['extended']) ? $r['extended']['from'] : $r['iterations'];
    if ($configured !== (int)$section['iterations']) problem("$path: resident.iterations {$r['iterations']} (extended from " . json_encode($r['extended'] ?? null) . "), the section says {$section['iterations']}");
    if (isset($r['extended']) && ($r['iterations'] <= $configured || $r['extended']['because'] === '')) problem("$path: extended without more iterations or a reason: " . json_encode($r['extended']));
    // Retained snapshots in worker and reload runs that judged leaks: every
    // retainer has one value per checkpoint, and a LEAK's leaking retainers
    // keep growing in items or bytes.
    if ($r['mode'] !== 'requests' && $r['growth'] !== []) {
        if (count($r['checkpoints']) < 5) problem("$path: " . count($r['checkpoints']) . " checkpoints");
        foreach ($r['retainers'] as $p) {
            if (count($p['items']) !== count($r['checkpoints'])) problem("$path: retainer {$p['path']} has " . count($p['items']) . " values for " . count($r['checkpoints']) . " checkpoints");
            if ($p['leaking'] && end($p['items']) <= $p['items'][0] && end($p['bytes']) <= $p['bytes'][0]) problem("$path: retainer {$p['path']} leaks but did not grow");
        }
    }
    if (array_keys($r['series']) !== $metrics) problem("$path: series are " . implode(',', array_keys($r['series'])));
    foreach ($r['series'] as $name => $values) {
        if (count($values) !== $r['completed']) problem("$path: series $name has " . count($values) . " values for {$r['completed']} completed iterations");
    }
    $ran_all = in_array($t['verdict'], ['PASS', 'LEAK', 'XLEAK', 'WARN'], true);
    if ($ran_all && $r['completed'] !== $r['iterations']) problem("$path: {$t['verdict']} but only {$r['completed']} of {$r['iterations']} iterations completed");
    if ($ran_all && array_keys($r['growth']) !== $metrics) problem("$path: growth is not given for every metric");
    $leaks = in_array($t['verdict'], ['LEAK', 'XLEAK'], true);
    if (!$leaks && $r['leaking'] !== []) problem("$path: {$t['verdict']} with leaking metrics " . implode(',', $r['leaking']));
    if (!$leaks && array_filter($r['retainers'] ?? [], fn($p) => $p['leaking'])) problem("$path: {$t['verdict']} with leaking retainers");
    if ($leaks) {
        $leaking_retainers = array_filter($r['retainers'] ?? [], fn($p) => $p['leaking']);
        if ($r['leaking'] === [] && $leaking_retainers === []) problem("$path: {$t['verdict']} without a leaking metric or retainer");
        foreach ($r['leaking'] as $name) {
            if (!(($r['growth'][$name] ?? 0) > 0)) problem("$path: $name leaks but its growth is " . json_encode($r['growth'][$name] ?? null));
        }
        if ($r['mode'] !== 'requests' && $r['sites'] === []) problem("$path: {$t['verdict']} without sites (attribution: {$r['attribution']})");
    }
    if ($section['leak_site'] && $t['verdict'] === 'LEAK') {
        $top = $r['sites'][0] ?? null;
        $script = substr($t['file'], 0, -strlen('.phpt')) . '.php';
        if ($top === null) {
            problem("$path: no top site");
        } elseif ($top['line'] !== $section['leak_site'] || basename($top['file']) !== basename($script)) {
            problem("$path: top site is " . basename($top['file']) . ":{$top['line']} ({$top['function']}), the marked line is " . basename($script) . ":{$section['leak_site']}");
        }
    }
}

// JUnit: LEAK is a failure of type "leak" whose message is the reason.
libxml_use_internal_errors(true);
$xml = simplexml_load_file($junit_file);
if ($xml === false) {
    problem("the JUnit file does not parse");
} else {
    $leaks_seen = 0;
    foreach ($xml->xpath('//testcase') as $c) {
        $t = null;
        // The testcase's name is "TITLE [FILE]".
        foreach ($report['tests'] as $candidate) if (str_ends_with((string)$c['name'], " [{$candidate['file']}]")) $t = $candidate;
        if ($t === null || $t['verdict'] !== 'LEAK') continue;
        ++$leaks_seen;
        $f = $c->failure;
        if (!isset($f) || (string)$f['type'] !== 'leak' || (string)$f['message'] !== $t['reason']) {
            problem("JUnit: {$t['file']} has no <failure type=\"leak\"> with the reason as message");
        } elseif (!str_contains((string)$f, 'per iteration')) {
            problem("JUnit: the leak failure of {$t['file']} does not show the growth per iteration");
        }
    }
    $leaks = count(array_filter($report['tests'], fn($t) => $t['verdict'] === 'LEAK'));
    if ($leaks_seen !== $leaks) problem("JUnit: $leaks_seen of the $leaks LEAK cases found by name");
}

// Console: one line per leaking case: what grows, by how much, the top site.
foreach ($report['tests'] as $t) {
    if ($t['verdict'] !== 'LEAK') continue;
    $lines = array_values(array_filter(explode("\n", $stdout), fn($l) => str_starts_with($l, 'LEAK ') && str_contains($l, "[{$t['file']}]")));
    if (count($lines) !== 1) { problem("console: " . count($lines) . " LEAK lines for {$t['file']}"); continue; }
    if (!preg_match('#[a-z_]+ \+[0-9.]+( [KMG]?i?B)?/iteration#', $lines[0])) problem("console: the LEAK line of {$t['file']} shows no growth per iteration: {$lines[0]}");
    if ($t['resident']['sites'] !== [] && !str_contains($lines[0], 'top site: ')) problem("console: the LEAK line of {$t['file']} names no top site");
}

$should_fail = count(array_filter($expected, fn($e) => in_array($e['verdict'], ['FAIL', 'BORK', 'LEAK'], true))) > 0;
if ($status !== ($should_fail ? 1 : 0)) problem("exit status $status, expected " . ($should_fail ? 1 : 0) . "\nstderr: $stderr");

require __DIR__ . '/case_files_check.php';
check_case_files($dir, $report['tests'], 'problem');

$it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($dir, FilesystemIterator::SKIP_DOTS));
foreach ($it as $f) {
    if (preg_match('/\.(php|out|diff|exp|log|mem)$/', $f->getFilename())) problem("left behind: $f");
}

array_map('unlink', glob("$tmp/*"));
@rmdir($tmp);
if ($problems) {
    echo implode("\n", $problems), "\n";
    echo count($problems) . " problem(s); phptrun printed:\n$stdout";
    exit(1);
}
echo count($expected) . " resident cases: verdicts, reasons, JSON series/growth/sites, JUnit and console lines as expected\n";
