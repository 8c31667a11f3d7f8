<?php
// End-to-end check of the lifecycle tracer: runs phptrun with --trace,
// --json and --profile on DIR (fixtures/trace) and checks the span tree,
// not just that files were written:
//  - the trace is Chrome trace-event JSON with a named track per worker;
//  - on every track, spans nest exactly, as strict readers (speedscope) need:
//    times are whole microseconds, each span lies within the one it started
//    in (no tolerance), siblings do not overlap, so children never add up
//    to more than their parent, and cases follow each other on their track;
//    also for a case confirmed in a fresh process (fixtures/reuse, where the
//    first run's span once overlapped the next case);
//  - each worker has SINIT, MINIT and MSHUTDOWN, with a "MINIT <ext>" and a
//    "MSHUTDOWN <ext>" span for every extension the engine loaded (the
//    fixture extensions.phpt reports them), php.ini's included;
//  - every case has its requests, every request its phases in lifecycle
//    order, RINIT and RSHUTDOWN their steps in order and extensions' hooks,
//    only for loaded extensions;
//  - the fixtures show what they are for: an include compiled under execute,
//    shutdown functions and destructors that take 10 ms each where they ran,
//    SKIPIF and CLEAN as requests, a restart's MINIT inside the case;
//  - JSON phases add up to time_ms and carry persistent bytes, and match the
//    trace's phases;
//  - --profile prints its tables; without the tracer the verdicts are the
//    same and JSON phases have no persistent bytes; --tracer alone gives them.
// Usage: php check_trace.php PHPTRUN DIR
if ($argc < 3) { fwrite(STDERR, "usage: check_trace.php PHPTRUN DIR\n"); exit(2); }
[, $phptrun, $dir] = $argv;
$tmp = sys_get_temp_dir() . '/phptrun-trace-e2e-' . getmypid();
@mkdir($tmp);
$trace_file = "$tmp/trace.json";
$json_file = "$tmp/report.json";
$ext_file = "$tmp/extensions.json";

function run(array $cmd, array $env = []): array {
    $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env + getenv());
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    return [proc_close($proc), $out, $err];
}

$problems = [];
function problem(string $text): void { global $problems; $problems[] = $text; }
function check(bool $ok, string $text): void { if (!$ok) problem($text); }

[$status, $stdout, $stderr] = run([$phptrun, '-j2', '--trace', $trace_file, '--json', $json_file,
                                    '--profile', $dir], ['PHPTRUN_TRACE_EXTENSIONS' => $ext_file]);
check($status === 0, "phptrun exited $status\n$stdout\n$stderr");

$trace = json_decode(@file_get_contents($trace_file), true);
$report = json_decode(@file_get_contents($json_file), true);
$loaded = json_decode(@file_get_contents($ext_file), true);
if (!is_array($trace) || !is_array($report) || !is_array($loaded)) {
    echo "trace, report or extension list missing or not JSON\n$stdout\n$stderr";
    exit(1);
}
$extensions = $loaded['extensions'];
$zend_extensions = $loaded['zend_extensions'];

// ---- events, tracks, nesting ------------------------------------------------

const EPS = 0;  // the trace is in whole microseconds: nesting must be exact
$names = [];
$by_pid = [];
foreach ($trace['traceEvents'] as $e) {
    foreach (['name', 'ph', 'pid', 'tid'] as $key) check(isset($e[$key]), "event without $key: " . json_encode($e));
    if ($e['ph'] === 'M') {
        if ($e['name'] === 'process_name') $names[$e['pid']] = $e['args']['name'];
        continue;
    }
    check($e['ph'] === 'X', "unexpected event type {$e['ph']}");
    check(is_int($e['ts']) && is_int($e['dur']) && $e['dur'] >= 0, "times not whole microseconds: " . json_encode($e));
    check(isset($names[$e['pid']]), "span before its track was named: {$e['name']}");
    $by_pid[$e['pid']][] = $e;
}
check(count($by_pid) >= 1, "no worker tracks");

// Rebuilds the tree of one track from containment; every span must lie
// within the one it started in. Spans starting at the same time keep the
// file's order, in which a parent comes before its children and a step
// before the hook that ends it (a zero-long step sits between two spans).
function build_tree(array $events): array {
    usort($events, fn($a, $b) => $a['ts'] <=> $b['ts']);  // stable since PHP 8.0
    $nodes = [];
    $stack = [];
    foreach ($events as $e) {
        $e['children'] = [];
        $e['end'] = $e['ts'] + $e['dur'];
        // Off the stack: what ended when this one starts, and zero-long
        // spans (nothing fits in them).
        while ($stack && ($nodes[end($stack)]['dur'] == 0 || $nodes[end($stack)]['end'] <= $e['ts'])) {
            array_pop($stack);
        }
        $parent = $stack ? end($stack) : null;
        if ($parent !== null && $e['end'] > $nodes[$parent]['end'] + EPS) {
            problem("span '{$e['name']}' [{$e['ts']}, {$e['end']}] overlaps '{$nodes[$parent]['name']}' [{$nodes[$parent]['ts']}, {$nodes[$parent]['end']}] on pid {$e['pid']}");
        }
        $e['parent'] = $parent;
        $nodes[] = $e;
        $id = count($nodes) - 1;
        if ($parent !== null) $nodes[$parent]['children'][] = $id;
        $stack[] = $id;
    }
    return $nodes;
}

function child_names(array $nodes, int $id): array {
    return array_map(fn($c) => $nodes[$c]['name'], $nodes[$id]['children']);
}
// Names of the spans within span $id's time, itself excluded, in order: a
// step or hook shorter than a microsecond is zero-long, and one at its
// parent's very end cannot be told from one after it by times alone.
function names_within(array $nodes, int $id): array {
    $names = [];
    foreach ($nodes as $i => $n) {
        if ($i !== $id && $n['ts'] >= $nodes[$id]['ts'] && $n['end'] <= $nodes[$id]['end'] && $n['ts'] <= $nodes[$id]['end']) $names[] = $n['name'];
    }
    return $names;
}

// Strict nesting as speedscope checks it: any two spans of a track that last
// at least a microsecond are disjoint or one contains the other. Zero-long
// spans cannot cross anything.
function check_laminar(array $events, $pid): void {
    $spans = array_values(array_filter($events, fn($e) => $e['dur'] > 0));
    usort($spans, fn($a, $b) => [$a['ts'], -$a['dur']] <=> [$b['ts'], -$b['dur']]);
    $stack = [];
    foreach ($spans as $e) {
        $end = $e['ts'] + $e['dur'];
        while ($stack && end($stack)['end'] <= $e['ts']) array_pop($stack);
        if ($stack && $end > end($stack)['end']) {
            $top = end($stack);
            problem("pid $pid: '{$e['name']}' [{$e['ts']}, $end] crosses '{$top['name']}' [{$top['ts']}, {$top['end']}]");
        }
        $stack[] = ['name' => $e['name'], 'ts' => $e['ts'], 'end' => $end];
    }
}
function child(array $nodes, int $id, string $name): ?int {
    foreach ($nodes[$id]['children'] as $c) if ($nodes[$c]['name'] === $name) return $c;
    return null;
}

// Cases are top-level spans of their track, one after the other.
function check_cases_in_sequence(array $nodes, $pid): void {
    $prev_end = null;
    foreach ($nodes as $n) {
        if ($n['cat'] !== 'case') continue;
        check($n['parent'] === null, "pid $pid: case '{$n['name']}' lies inside '" . ($n['parent'] === null ? '' : $nodes[$n['parent']]['name']) . "'");
        if ($prev_end !== null) check($n['ts'] >= $prev_end, "pid $pid: case '{$n['name']}' starts at {$n['ts']}, before the case before it ended ($prev_end)");
        $prev_end = $n['end'];
    }
}

$shutdown_steps = ['shutdown_functions', 'destructors', 'output_flush', 'zend_deactivate',
                   'post_deactivate', 'sapi_deactivate', 'memory_shutdown'];
$cases = [];  // file => [pid, node id, nodes]
foreach ($by_pid as $pid => $events) {
    check_laminar($events, $pid);
    $nodes = build_tree($events);
    check_cases_in_sequence($nodes, $pid);
    $top = array_keys(array_filter($nodes, fn($n) => $n['parent'] === null));

    // The worker's own engine.
    $top_names = array_map(fn($i) => $nodes[$i]['name'], $top);
    foreach (['SINIT', 'MINIT', 'MSHUTDOWN', 'SSHUTDOWN'] as $phase) {
        check(in_array($phase, $top_names, true), "worker $pid: no $phase span (has: " . implode(', ', array_unique($top_names)) . ")");
    }
    foreach ($top as $i) {
        $n = $nodes[$i];
        if ($n['cat'] === 'phase' && $n['name'] === 'MINIT') {
            $children = names_within($nodes, $i);
            foreach (['zend_startup', 'INI', 'register_modules', 'load_extensions', 'post_startup'] as $step) {
                check(in_array($step, $children, true), "worker $pid: MINIT has no step $step");
            }
            foreach ($extensions as $ext) {
                // OPcache's module starts inside its Zend extension's startup.
                $ok = in_array("MINIT $ext", $children, true) ||
                      (in_array($ext, $zend_extensions, true) && in_array("startup $ext", $children, true));
                check($ok, "worker $pid: no MINIT span for extension $ext");
            }
            foreach ($zend_extensions as $zext) {
                check(in_array("startup $zext", $children, true), "worker $pid: no startup span for Zend extension $zext");
            }
        }
        if ($n['cat'] === 'phase' && $n['name'] === 'MSHUTDOWN') {
            $children = names_within($nodes, $i);
            foreach ($extensions as $ext) {
                check(in_array("MSHUTDOWN $ext", $children, true), "worker $pid: no MSHUTDOWN span for extension $ext");
            }
        }
        if ($n['cat'] === 'case') $cases[$n['name']] = [$pid, $i, $nodes];
    }

    // Siblings never overlap, so children add up to at most their parent.
    foreach ($nodes as $id => $n) {
        $sum = 0;
        $prev_end = null;
        foreach ($n['children'] as $c) {
            $sum += $nodes[$c]['dur'];
            if ($prev_end !== null) check($nodes[$c]['ts'] >= $prev_end - EPS, "pid $pid: '{$nodes[$c]['name']}' overlaps its previous sibling under '{$n['name']}'");
            $prev_end = $nodes[$c]['end'];
        }
        check($sum <= $n['dur'] + EPS * (count($n['children']) + 1), "pid $pid: children of '{$n['name']}' add up to $sum us, more than its {$n['dur']} us");
    }
}

// ---- cases, requests, phases ---------------------------------------------------

$fixtures = glob(rtrim($dir, '/') . '/*.phpt');
check(count($cases) === count($fixtures), "trace has " . count($cases) . " cases, the fixture directory " . count($fixtures));
$phase_order = ['MSHUTDOWN', 'SSHUTDOWN', 'SINIT', 'MINIT', 'RINIT', 'compile', 'execute', 'RSHUTDOWN'];
$requests_of = [];  // file => [request name => [node id, nodes]]
foreach ($cases as $file => [$pid, $case, $nodes]) {
    foreach ($nodes[$case]['children'] as $r) {
        $request = $nodes[$r];
        check($request['cat'] === 'request', "$file: '{$request['name']}' directly under the case is not a request");
        $requests_of[$file][$request['name']] = [$r, $nodes];
        // A hook shorter than a microsecond at its phase's very end lands
        // beside the phase (names_within).
        $phases = array_values(array_map(fn($c) => $nodes[$c]['name'],
            array_filter($nodes[$r]['children'], fn($c) => $nodes[$c]['dur'] > 0 || $nodes[$c]['cat'] === 'phase')));
        $positions = array_map(fn($p) => array_search($p, $phase_order, true), $phases);
        check(!in_array(false, $positions, true), "$file {$request['name']}: unexpected phases " . implode(', ', $phases));
        $sorted = $positions;
        sort($sorted);
        check($positions === $sorted, "$file {$request['name']}: phases out of order: " . implode(', ', $phases));
        foreach (['RINIT', 'compile', 'execute', 'RSHUTDOWN'] as $p) {
            check(in_array($p, $phases, true), "$file {$request['name']}: no $p phase");
        }
        foreach ($nodes[$r]['children'] as $p) {
            $phase = $nodes[$p];
            $children = child_names($nodes, $p);
            $within = names_within($nodes, $p);
            if ($phase['name'] === 'RINIT') {
                check(array_slice($children, 0, 2) === ['sapi_activate', 'superglobals'], "$file {$request['name']}: RINIT steps are " . implode(', ', $children));
                check(in_array('RINIT standard', $within, true), "$file {$request['name']}: no 'RINIT standard'");
                check(isset($phase['args']['persistent_before'], $phase['args']['heap_peak']), "$file: RINIT lacks memory figures");
            }
            if ($phase['name'] === 'RSHUTDOWN') {
                $steps = array_values(array_filter($within, fn($c) => in_array($c, $GLOBALS['shutdown_steps'], true)));
                check($steps === $shutdown_steps, "$file {$request['name']}: RSHUTDOWN steps are " . implode(', ', $steps));
                check(in_array('RSHUTDOWN standard', $within, true), "$file {$request['name']}: no 'RSHUTDOWN standard'");
            }
            if ($phase['name'] === 'compile') {
                check(($children[0] ?? '') === 'script_setup', "$file: compile does not start with script_setup");
                check(str_starts_with($children[1] ?? '', 'compile /'), "$file: compile has no 'compile <file>' span");
            }
            foreach (array_merge([$p], $phase['children']) as $n) {
                foreach ($nodes[$n]['children'] as $h) {
                    $hook = $nodes[$h]['name'];
                    if ($nodes[$h]['cat'] !== 'extension') continue;
                    $ext = substr($hook, strpos($hook, ' ') + 1);
                    check(in_array($ext, $extensions, true) || in_array($ext, $zend_extensions, true), "$file: hook '$hook' of an extension that is not loaded");
                }
            }
        }
    }
}

function find_case(array $requests_of, string $base): ?array {
    foreach ($requests_of as $file => $requests) if (basename($file) === $base) return $requests;
    problem("no case $base in the trace");
    return null;
}
function span_in(array $nodes, int $id, string $name): ?array {
    foreach ($nodes[$id]['children'] as $c) {
        if ($nodes[$c]['name'] === $name) return $nodes[$c];
        $found = span_in($nodes, $c, $name);
        if ($found) return $found;
    }
    return null;
}

if ($r = find_case($requests_of, 'include.phpt')) {
    [$id, $nodes] = $r['FILE'];
    $execute = child($nodes, $id, 'execute');
    $compiles = $execute === null ? [] : child_names($nodes, $execute);
    $helper = array_filter($compiles, fn($c) => str_ends_with($c, '/include-helper.inc'));
    check(count($helper) === 1, "include.phpt: execute has no compile span for the include (has: " . implode(', ', $compiles) . ")");
    check(count(array_filter($compiles, fn($c) => str_contains($c, "eval()'d code"))) === 1, "include.phpt: no compile span for eval()");
}
if ($r = find_case($requests_of, 'shutdown.phpt')) {
    [$id, $nodes] = $r['FILE'];
    foreach (['shutdown_functions', 'destructors'] as $step) {
        $span = span_in($nodes, $id, $step);
        // A lower bound only: the fixture sleeps 10 ms in each.
        check($span && $span['dur'] >= 10000, "shutdown.phpt: $step took " . ($span['dur'] ?? '?') . " us, less than the 10 ms it slept");
        check($span && empty($span['args']['inferred']), "shutdown.phpt: $step has an inferred edge");
    }
    $flush = span_in($nodes, $id, 'output_flush');
    check($flush && empty($flush['args']['inferred']), "shutdown.phpt: the flush of ob_start()'s buffer was not observed");
}
if ($r = find_case($requests_of, 'skipif-clean.phpt')) {
    check(array_keys($r) === ['SKIPIF', 'FILE', 'CLEAN'], "skipif-clean.phpt: requests are " . implode(', ', array_keys($r)));
}
if ($r = find_case($requests_of, 'restart.phpt')) {
    [$id, $nodes] = $r['FILE'];
    $minit = span_in($nodes, $id, 'MINIT');
    check($minit !== null && span_in($nodes, $id, 'MINIT standard') !== null, "restart.phpt: no MINIT with extensions inside the case");
    check(span_in($nodes, $id, 'MSHUTDOWN standard') !== null, "restart.phpt: no MSHUTDOWN of the worker's engine copy");
}
if ($r = find_case($requests_of, 'fatal.phpt')) {
    [$id, $nodes] = $r['FILE'];
    check(span_in($nodes, $id, 'shutdown_functions') !== null, "fatal.phpt: request shutdown has no steps after the bailout");
}

// ---- the JSON report ---------------------------------------------------------------

foreach ($report['tests'] as $t) {
    $sum = array_sum(array_column($t['phases'], 'ms'));
    check(abs($sum - $t['time_ms']) <= 0.01 * $t['time_ms'] + 0.01, "{$t['file']}: phases add up to $sum ms, time_ms is {$t['time_ms']}");
    $names = array_column($t['phases'], 'name');
    check(end($names) === 'runner', "{$t['file']}: the last phase is not 'runner'");
    $by_name = array_column($t['phases'], null, 'name');
    check(isset($by_name['RINIT']['persistent_before'], $by_name['RSHUTDOWN']['persistent_after']), "{$t['file']}: JSON phases lack persistent bytes");
    // The trace's phases are the same measurements as the JSON's.
    $requests = $requests_of[$t['file']] ?? [];
    if (isset($requests['FILE'])) {
        [$id, $nodes] = $requests['FILE'];
        foreach (['RINIT', 'RSHUTDOWN'] as $p) {
            $span = span_in($nodes, $id, $p);
            $ms = $by_name[$p]['ms'] ?? null;
            check($span && $ms !== null && abs($span['dur'] / 1000 - $ms) <= 0.1 * $ms + 1, "{$t['file']}: $p is $ms ms in JSON, " . ($span ? $span['dur'] / 1000 : '?') . " ms in the trace");
        }
    }
}

// ---- --profile, without the tracer, --tracer alone -------------------------------------

foreach (['Where the time went', 'RINIT by extension', 'RSHUTDOWN by extension', 'RSHUTDOWN steps',
          'MINIT by extension', 'Slowest cases', 'Slowest compiles', 'include-helper.inc'] as $text) {
    check(str_contains($stdout, $text), "--profile output lacks '$text'");
}
check(strpos($stdout, '7 passed') < strpos($stdout, 'Profile of'), "--profile does not come after the summary");

[$status2, $stdout2] = run([$phptrun, '-q', '--json', "$tmp/plain.json", $dir]);
$plain = json_decode(@file_get_contents("$tmp/plain.json"), true);
check($status2 === 0 && is_array($plain), "run without the tracer failed ($status2)\n$stdout2");
if (is_array($plain)) {
    check(array_column($plain['tests'], 'verdict', 'file') == array_column($report['tests'], 'verdict', 'file'), "the tracer changed verdicts");
    foreach ($plain['tests'] as $t) {
        check(!isset($t['phases'][0]['persistent_before']), "{$t['file']}: persistent bytes without the tracer");
        $sum = array_sum(array_column($t['phases'], 'ms'));
        check(abs($sum - $t['time_ms']) <= 0.01 * $t['time_ms'] + 0.01, "without the tracer, {$t['file']}: phases do not add up");
    }
}
[$status3] = run([$phptrun, '-q', '--tracer', '--json', "$tmp/tracer.json", $dir]);
$traced = json_decode(@file_get_contents("$tmp/tracer.json"), true);
check($status3 === 0 && is_array($traced), "--tracer run failed ($status3)");
foreach ($traced['tests'] ?? [] as $t) {
    $by_name = array_column($t['phases'], null, 'name');
    if (!isset($by_name['execute'])) continue;
    foreach (['RINIT', 'compile', 'execute', 'RSHUTDOWN'] as $p) {
        check(isset($by_name[$p]['persistent_before'], $by_name[$p]['persistent_after']), "--tracer {$t['file']}: $p lacks persistent bytes");
    }
}

// ---- a case confirmed in a fresh process ----------------------------------------------
// fixtures/reuse: b fails in the process a ran in and is run again in a fresh
// one; its span must cover both runs and end before c starts.
$reuse_trace = "$tmp/reuse-trace.json";
[$status4, $stdout4, $stderr4] = run([$phptrun, '-q', '-j1', '--trace', $reuse_trace, '--json', "$tmp/reuse.json", 'fixtures/reuse'],
                                     ['TMPDIR' => $tmp]);
$reuse = json_decode(@file_get_contents($reuse_trace), true);
$reuse_report = json_decode(@file_get_contents("$tmp/reuse.json"), true);
check(is_array($reuse) && is_array($reuse_report), "reuse run: no trace or report ($status4)\n$stdout4\n$stderr4");
$confirmed = array_filter($reuse_report['tests'] ?? [], fn($t) => isset($t['reused_verdict']));
check(count($confirmed) === 1, "reuse run: expected one case confirmed in a fresh process, got " . count($confirmed));
$reuse_by_pid = [];
foreach ($reuse['traceEvents'] ?? [] as $e) {
    if ($e['ph'] !== 'X') continue;
    check(is_int($e['ts']) && is_int($e['dur']), "reuse run: times not whole microseconds: " . json_encode($e));
    $reuse_by_pid[$e['pid']][] = $e;
}
foreach ($reuse_by_pid as $pid => $events) {
    $nodes = build_tree($events);
    check_cases_in_sequence($nodes, $pid);
    check(count(array_filter($nodes, fn($n) => $n['cat'] === 'case')) === 3, "reuse run: not 3 cases on track $pid");
}

$size = filesize($trace_file);
$events = count($trace['traceEvents']);
array_map('unlink', glob("$tmp/*"));
@rmdir($tmp);
if ($problems) {
    echo implode("\n", $problems), "\n", count($problems), " problem(s)\n";
    exit(1);
}
echo count($cases) . " cases, " . count($by_pid) . " worker tracks, $events events ($size bytes): span tree nests, phases and steps in order, every extension traced; JSON adds up\n";
