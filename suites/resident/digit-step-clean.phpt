--TEST--
No leak: a handler that keeps only the current request's two strings
--DESCRIPTION--
The application object keeps the last request's path and user name, replaced on
every request. The strings gain a character when the request number gains a
digit (at 100 and 1000), and each time they cross one of the allocator's size
classes: the heap steps up twice in 1000 requests and never again until 10000.
Two single steps are not growth that keeps going, and nothing the handler
retains grows in count: the retained snapshots show `$app->last` with 2 items at
every checkpoint.
Ground truth: the same boot file and handler in a plain `php` loop, with
gc_collect_cycles() after each call, 100,000 requests: memory_get_usage() is
395,664 bytes at request 10,000 and at every 10,000th request to 100,000 (flat).
Verdict: PASS.
--RESIDENT--
mode=worker
iterations=1000
warmup=50
--FILE--
<?php
final class App
{
    public array $last = [];
}
$app = new App();
return function (int $i) use ($app): void {
    $app->last = ["/user$i", "name$i"];
    echo "served\n";
};
--EXPECT--
served
