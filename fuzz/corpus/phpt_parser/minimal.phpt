--TEST--
x
--FILE--
<?php echo 1;
--EXPECT--
1
