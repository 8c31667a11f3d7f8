--TEST--
Hello world: the output must equal the EXPECT section
--DESCRIPTION--
A .phpt file is a list of sections, each starting with a header line such as --FILE--.
The TEST section names the test, FILE is the PHP script, EXPECT is what it must print.
Leading and trailing whitespace of the whole output is ignored; everything else must match
byte for byte. (A line that starts with --NAME-- always starts a new section, even here.)
Run this directory with: phptrun suites/
--FILE--
<?php
echo "Hello, world!\n";
echo 6 * 7, "\n";
?>
--EXPECT--
Hello, world!
42
