--TEST--
Echo server hot reload: the handler as an anonymous class leaks one class per reload
--DESCRIPTION--
The usual way around "Cannot declare class" (echo-server-named-class.phpt) is an
anonymous class: every reload compiles and declares a new one, and PHP never
frees a class declared during a request (php/php-src PR #7562, bug #76982). On
PHP 8.2 each reload of this handler keeps one class entry, one interned class
name and about 1.6 KiB of heap (plus a little malloc for the runtime-cache slot
table): a server reloading every few seconds grows until it is restarted.
Verdict: LEAK, with "classes +1/iteration" and heap growth; the top site is the
line that declares the class, "(compile)" because the compiler allocated it.
--RESIDENT--
mode=reload
iterations=300
--FILE--
<?php
// handler.php, reloaded after each change
$handler = new class { // <-- leak site
    public function handle(string $message): string
    {
        return "echo: " . $message;
    }
};

echo $handler->handle("ping"), "\n";
--EXPECT--
echo: ping
