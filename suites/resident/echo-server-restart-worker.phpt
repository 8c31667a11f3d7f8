--TEST--
Echo server hot reload by restarting the worker: every reload is a fresh request
--DESCRIPTION--
The same anonymous-class handler as echo-server-anonymous-class.phpt, but the
server reloads by restarting its worker (FPM, RoadRunner's `rr reset`,
FrankenPHP's worker restart): each reload is a full request, RINIT..RSHUTDOWN
(mode=requests). Request shutdown frees the request heap and drops every class
the request declared, so nothing accumulates: classes stay at 0 and the heap at
0 bytes after each request.
Verdict: PASS.
--RESIDENT--
mode=requests
iterations=200
--FILE--
<?php
$handler = new class {
    public function handle(string $message): string
    {
        return "echo: " . $message;
    }
};

echo $handler->handle("ping"), "\n";
--EXPECT--
echo: ping
