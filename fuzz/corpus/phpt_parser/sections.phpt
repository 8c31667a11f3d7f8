--TEST--
s
--INI--
precision=14
--SKIPIF--
<?php ?>
--ENV--
A=1
--ARGS--
-a b
--FILEEOF--
<?php echo 2;
--EXPECTF--
%d
--CLEAN--
<?php ?>
