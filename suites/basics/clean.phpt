--TEST--
CLEAN: remove what the test created, whether it passed or failed
--DESCRIPTION--
The CLEAN section runs after the test, pass or fail, in a separate request. Use it to delete
temporary files. It must not print anything.
--FILE--
<?php
$file = sys_get_temp_dir() . '/phptrun-example-clean.txt';
file_put_contents($file, "some data\n");
echo file_get_contents($file);
?>
--CLEAN--
<?php
@unlink(sys_get_temp_dir() . '/phptrun-example-clean.txt');
?>
--EXPECT--
some data
