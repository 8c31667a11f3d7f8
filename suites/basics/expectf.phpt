--TEST--
EXPECTF: placeholders for the parts of the output that change from run to run
--DESCRIPTION--
The EXPECTF section is like EXPECT, but placeholders match variable text:
  %s  one or more characters on one line     %d  digits          %i  signed integer
  %f  floating point number                  %x  hex digits      %a  anything, across lines
The object id and the file path below differ between machines, so they use placeholders.
--FILE--
<?php
$point = new stdClass;
$point->x = 1.5;
var_dump($point);
echo "This script is ", __FILE__, "\n";
printf("Random number: %d\n", random_int(1, 1000));
?>
--EXPECTF--
object(stdClass)#%d (1) {
  ["x"]=>
  float(1.5)
}
This script is %sexpectf.php
Random number: %d
