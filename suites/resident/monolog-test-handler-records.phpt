--TEST--
Memory leak: a Monolog TestHandler keeps every record it handles
--DESCRIPTION--
A Monolog logger (Debian's php-monolog) with a TestHandler, which keeps each
record in its `records` and `recordsByLevel` arrays, and a processor that adds a
request id to each record. The memory is allocated by the logger and its
processor, but held by the handler: the LEAK names the handler's buffer.
Ground truth: the same boot file and handler in a plain `php` loop with
gc_collect_cycles() after each call: memory_get_usage() 650,256 bytes after
request 1, 1,500,856 at 500, 4,042,200 at 2,000, 9,255,960 at 5,000 (about
1.7 KB per request, without end).
Verdict: LEAK, naming the handler's records.
--RESIDENT--
mode=worker
iterations=200
--FILE--
<?php
require_once '/usr/share/php/Monolog/autoload.php';
use Monolog\Logger;
use Monolog\Handler\TestHandler;
$logger = new Logger('app');
$logger->pushHandler(new TestHandler());   // keeps every record it handles
$logger->pushProcessor(function (array $record): array {
    $record['extra']['request_id'] = bin2hex(random_bytes(4));
    return $record;
});
return function (int $i) use ($logger): void {
    $logger->info('served a request', ['path' => '/']);
    echo "ok\n";
};
--EXPECT--
ok
