--TEST--
XFAIL: a known bug, expected to fail for now
--DESCRIPTION--
The XFAIL section says that the test is expected to fail and why. A failing XFAIL test does not
fail the run; it is reported as XFAIL. If the bug gets fixed and the test starts to pass,
it is reported as WARN, a reminder to remove the XFAIL section.
--XFAIL--
Floating point addition is not exact: 0.1 + 0.2 is not 0.3
--FILE--
<?php
var_dump(0.1 + 0.2 == 0.3);
?>
--EXPECT--
bool(true)
