<?php
// The files run-tests.php leaves beside a case, checked after a run of DIR
// (docs/run-tests-options.md): beside a FAIL, foo.diff, foo.exp, foo.out,
// foo.log, foo.sh and foo.php; beside a
// PASS or SKIP, none of them. Then every such file under DIR is removed, so
// the caller's "nothing left behind" check sees only what should never stay
// (foo.skip.php, foo.clean.php, a .mem).
function check_case_files(string $dir, array $tests, callable $problem): void {
    $prefix = rtrim($dir, '/') . '/';
    foreach ($tests as $t) {
        // Cases of a REDIRECTTEST elsewhere leave their files in its directory.
        if (!str_starts_with($t['file'], $prefix) || !str_ends_with($t['file'], '.phpt')) continue;
        $base = substr($t['file'], 0, -4);
        if (in_array($t['verdict'], ['PASS', 'SKIP'], true)) {
            foreach (['diff', 'exp', 'out', 'log', 'sh', 'php'] as $ext) {
                if (file_exists($base . $ext)) $problem("{$t['verdict']} {$t['file']}: $base$ext left beside it");
            }
        } elseif ($t['verdict'] === 'FAIL' && ($t['diff'] ?? '') !== '') {
            foreach (['exp', 'out', 'log', 'sh', 'php'] as $ext) {
                if (!file_exists($base . $ext)) $problem("FAIL {$t['file']}: no $base$ext beside it");
            }
            // foo.diff is run-tests' own diff (unit-tested against it); the
            // report's is phptrun's minimal one: both name the case's failure.
            $diff = @file_get_contents($base . 'diff');
            if ($diff === false) $problem("FAIL {$t['file']}: no {$base}diff beside it");
            elseif ($diff === '') $problem("FAIL {$t['file']}: {$base}diff is empty");
        }
    }
    $it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($dir, FilesystemIterator::SKIP_DOTS));
    foreach ($it as $f) {
        $name = $f->getFilename();
        if (preg_match('/\.(skip|clean)\.php$/', $name)) continue;
        if (preg_match('/\.(diff|exp|out|log|sh|php|post)$/', $name)) unlink($f->getPathname());
    }
}
