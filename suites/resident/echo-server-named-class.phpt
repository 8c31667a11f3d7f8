--TEST--
Echo server hot reload: re-including a file that declares a named handler class
--DESCRIPTION--
A long-running echo server reloads its handler by including handler.php again
after every change (mode=reload: FILE is compiled and run afresh each time, in
the same request, as such a server does). PHP cannot declare a named class twice
in one process: the second reload dies with "Cannot declare class EchoHandler,
because the name is already in use", and the real server would go down with it.
Named classes cannot be hot-reloaded in place; restart the worker instead
(echo-server-restart-worker.phpt).
Verdict: XFAIL (the XFAIL section expects the failure; without it, FAIL with
"a fatal error in iteration 2 of 20 ended the reload loop").
--RESIDENT--
mode=reload
iterations=20
--FILE--
<?php
final class EchoHandler
{
    public function handle(string $message): string
    {
        return "echo: " . $message;
    }
}

echo (new EchoHandler())->handle("ping"), "\n";
--EXPECT--
echo: ping
--XFAIL--
A named class cannot be declared twice: the second reload ends with a fatal error
