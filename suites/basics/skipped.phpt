--TEST--
SKIPIF: a test that is skipped because its requirement is not met
--DESCRIPTION--
The SKIPIF section runs before the test. If it prints "skip <reason>", the test is not run and is
reported as skipped with that reason. This one requires a 32-bit PHP, so on a usual
64-bit machine it is skipped.
--SKIPIF--
<?php
if (PHP_INT_SIZE !== 4) die("skip this test needs a 32-bit PHP");
?>
--FILE--
<?php
var_dump(PHP_INT_MAX);
?>
--EXPECT--
int(2147483647)
