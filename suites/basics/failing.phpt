--TEST--
Example of a failing test: the output says "Goodbye" where "Hello" is expected
--DESCRIPTION--
This test fails on purpose, so that you can see what a failure looks like.
The runner prints a diff: lines starting with "-" are expected but missing,
lines starting with "+" were printed but not expected.
--FILE--
<?php
echo "Line 1: unchanged\n";
echo "Line 2: Goodbye\n";
echo "Line 3: unchanged\n";
?>
--EXPECT--
Line 1: unchanged
Line 2: Hello
Line 3: unchanged
