<?php
// End-to-end check of debug-heap leak verdicts (registered only when phptrun
// is built against a debug PHP build with zend_test): runs phptrun on DIR,
// then runs each case's FILE section with that build's own CLI and
// -d report_memleaks=1, and checks against what the CLI printed on stderr
// (ground truth phptrun did not compute):
//  - a case whose FILE leaks in the CLI is LEAK (XLEAK with an XLEAK section),
//    one that does not is PASS;
//  - phptrun's reason gives the CLI's number of leaked blocks and bytes, and
//    names each leaking C location (file:line) the CLI names;
//  - the JUnit file has <failure type="leak"> with the engine's report for LEAK
//    and <skipped type="xleak"> for XLEAK, and the exit status is 1.
// Usage: php debug_leaks_check.php PHPTRUN DIR PHP_CLI EXTENSION_DIR
if ($argc < 5) { fwrite(STDERR, "usage: debug_leaks_check.php PHPTRUN DIR PHP_CLI EXTENSION_DIR\n"); exit(2); }
[, $phptrun, $dir, $cli, $extension_dir] = $argv;
$tmp = sys_get_temp_dir() . '/phptrun-debug-leaks-' . getmypid();
@mkdir($tmp);
$json_file = "$tmp/report.json";
$junit_file = "$tmp/junit.xml";

$proc = proc_open([$phptrun, '-q', '--json', $json_file, '--junit', $junit_file, $dir],
                  [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
$stdout = stream_get_contents($pipes[1]);
stream_get_contents($pipes[2]);
$status = proc_close($proc);

$problems = [];
function problem(string $text): void { global $problems; $problems[] = $text; }

// What the build's CLI reports for a script: blocks, bytes, "file:line" sites.
function cli_leaks(string $cli, string $extension_dir, string $script): array {
    $proc = proc_open([$cli, '-n', '-d', "extension_dir=$extension_dir", '-d', 'extension=zend_test',
                       '-d', 'report_memleaks=1', $script], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    stream_get_contents($pipes[1]);
    $stderr = stream_get_contents($pipes[2]);
    proc_close($proc);
    $blocks = 0; $bytes = 0; $sites = []; $last = 0;
    foreach (explode("\n", $stderr) as $line) {
        if (preg_match('/^(.+)\((\d+)\) :  Freeing 0x[0-9a-f]+ \((\d+) bytes\)/i', $line, $m)) {
            $blocks++; $bytes += $last = (int)$m[3];
            $sites[] = basename($m[1]) . ':' . $m[2];
        } elseif (preg_match('/^Last leak repeated (\d+) times?$/', $line, $m)) {
            $blocks += (int)$m[1]; $bytes += $last * (int)$m[1];
        }
    }
    return [$blocks, $bytes, array_unique($sites)];
}

$report = json_decode((string)@file_get_contents($json_file), true);
if (!is_array($report)) {
    fwrite(STDERR, "FAIL: no JSON report\n$stdout\n");
    exit(1);
}
$junit = @simplexml_load_file($junit_file);
if ($junit === false) problem("the JUnit file does not parse");
if (($report['php_build'] ?? '') === '' || !str_contains($report['php_build'], 'debug')) {
    problem("the JSON report does not name a debug build: " . ($report['php_build'] ?? '(none)'));
}
$any_leak = false;
$cases = glob(rtrim($dir, '/') . '/*.phpt');
if (count($cases) !== count($report['tests'])) problem(count($cases) . " cases, " . count($report['tests']) . " in the report");
foreach ($report['tests'] as $t) {
    $source = file_get_contents($t['file']);
    if (!preg_match('/\n--FILE--\n(.*?)\n--EXPECT--\n/s', $source, $m)) { problem("$t[file]: no FILE"); continue; }
    $script = "$tmp/" . basename($t['file'], '.phpt') . '.php';
    file_put_contents($script, $m[1]);
    [$blocks, $bytes, $sites] = cli_leaks($cli, $extension_dir, $script);
    $xleak = str_contains($source, "\n--XLEAK--\n");
    $expected = $blocks === 0 ? 'PASS' : ($xleak ? 'XLEAK' : 'LEAK');
    $any_leak = $any_leak || ($blocks > 0 && !$xleak);
    if ($t['verdict'] !== $expected) {
        problem("$t[file]: $t[verdict], but the CLI reported $blocks leaked blocks ($bytes bytes): expected $expected");
        continue;
    }
    if ($blocks === 0) continue;
    $count = "$blocks leaked block" . ($blocks === 1 ? '' : 's') . ", $bytes bytes";
    if (!str_contains($t['reason'], $count)) problem("$t[file]: reason '$t[reason]' lacks '$count' (the CLI's figures)");
    foreach ($sites as $site) {
        if (!str_contains($t['reason'], $site)) problem("$t[file]: reason '$t[reason]' does not name $site");
    }
    if ($junit !== false) {
        $type = $expected === 'LEAK' ? 'failure' : 'skipped';
        // A testcase is named "TITLE [FILE]" (JUnit has no file attribute).
        $nodes = [];
        foreach ($junit->xpath('//testcase') as $testcase) {
            if (str_ends_with((string)$testcase['name'], "[$t[file]]")) {
                $nodes = $testcase->xpath("{$type}[@type='" . strtolower($expected) . "']");
            }
        }
        if (!$nodes) {
            problem("$t[file]: no <$type type=\"" . strtolower($expected) . "\"> in JUnit");
        } elseif ($expected === 'LEAK' && !str_contains((string)$nodes[0], 'memory leaks detected')) {
            problem("$t[file]: the JUnit failure lacks the engine's report");
        }
    }
}
if ($status !== ($any_leak ? 1 : 0)) problem("exit status $status");

array_map('unlink', glob("$tmp/*"));
@rmdir($tmp);
if ($problems) {
    fwrite(STDERR, "FAIL:\n  " . implode("\n  ", $problems) . "\n");
    exit(1);
}
echo "OK: " . count($report['tests']) . " cases agree with the debug CLI's own leak report\n";
