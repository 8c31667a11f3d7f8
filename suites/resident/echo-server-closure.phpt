--TEST--
Echo server hot reload: a freshly compiled closure as handler leaks a little per reload
--DESCRIPTION--
Replacing the handler class with a closure avoids declaring classes, but each
reload compiles the closure again, and its function record is allocated in the
compiler's arena, which is only freed at the end of the request
(php/php-src#8078). The closure object itself is freed; what stays is about
250 bytes per reload, visible as a heap staircase: a new 64 KiB arena page
every 264 reloads. Small, but it never stops; a run shorter than a few pages
would not see it.
Verdict: LEAK (heap only); top site: the line of the closure, "(compile)".
--RESIDENT--
mode=reload
iterations=1000
--FILE--
<?php
// handler.php, reloaded after each change
$handler = function (string $message): string { // <-- leak site
    return "echo: " . $message;
};

echo $handler("ping"), "\n";
--EXPECT--
echo: ping
