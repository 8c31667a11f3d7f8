<?php
// The files run-tests.php leaves beside a case, checked after a run of DIR
// (docs/run-tests-options.md): beside a FAIL, foo.diff (equal to the JSON
// report's diff), foo.exp, foo.out, foo.log, foo.sh and foo.php; beside a
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
            $diff = @file_get_contents($base . 'diff');
            if ($diff === false) $problem("FAIL {$t['file']}: no {$base}diff beside it");
            // The report escapes bytes JSON cannot hold; compare only plain text.
            elseif (preg_match('//u', $diff) && !preg_match('/[\x00-\x08\x0b-\x1f\x7f]/', $diff) && $diff !== $t['diff']) $problem("FAIL {$t['file']}: {$base}diff differs from the JSON report's diff");
        }
    }
    $it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($dir, FilesystemIterator::SKIP_DOTS));
    foreach ($it as $f) {
        $name = $f->getFilename();
        if (preg_match('/\.(skip|clean)\.php$/', $name)) continue;
        if (preg_match('/\.(diff|exp|out|log|sh|php|post)$/', $name)) unlink($f->getPathname());
    }
}
