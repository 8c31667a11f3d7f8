--TEST--
Memory leak: Illuminate's Container::alias() per request appends to a list forever
--DESCRIPTION--
Every request registers the same alias again with Debian's
php-illuminate-container: `alias('request', 'req')` overwrites `aliases['req']`
but appends 'req' to `abstractAliases['request']`, a packed list of the same
interned string. No object, class or string is created, and the list's memory
only grows when its capacity doubles (at 2^k elements), so the heap is a
staircase whose steps get further apart; the list's element count grows by one
every request, which the retained snapshots see at any run length.
Ground truth: the same boot file and handler in a plain `php` loop with
gc_collect_cycles() after each call: memory_get_usage() 569,064 bytes at request
500, 577,256 at 1,000, 593,640 at 1,500-2,000, 626,408 at 2,500-4,000, 691,944
at 4,500-5,000 (steps at 512, 1024, 2048, 4096 elements).
Verdict: LEAK, naming Container::$instance->abstractAliases['request'].
--RESIDENT--
mode=worker
iterations=300
--FILE--
<?php
require_once '/usr/share/php/Illuminate/Container/autoload.php';

use Illuminate\Container\Container;

Container::getInstance()->instance('request', new ArrayObject());

return function (int $request): void {
    $container = Container::getInstance();
    $container->alias('request', 'req'); // appends to abstractAliases['request']
    echo get_class($container->make('req')), "\n";
};
--EXPECT--
ArrayObject
