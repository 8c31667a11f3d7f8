--TEST--
INI: php.ini settings for this test only
--DESCRIPTION--
Each line of the INI section is a name=value pair applied to this test, as if passed with
php -d name=value. Here precision=4 shortens how floats are printed.
--INI--
precision=4
--FILE--
<?php
echo M_PI, "\n";
var_dump(ini_get('precision'));
?>
--EXPECT--
3.142
string(1) "4"
