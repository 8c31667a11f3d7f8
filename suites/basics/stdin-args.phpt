--TEST--
STDIN and ARGS: feed input and command-line arguments to the script
--DESCRIPTION--
The STDIN section is sent to the script's standard input; ARGS is appended to the command
line, so the script sees it in $argv (after $argv[0], the script's own path).
--STDIN--
apple
banana
--ARGS--
--sort reverse
--FILE--
<?php
$lines = file('php://stdin', FILE_IGNORE_NEW_LINES);
if ($argv[1] === '--sort' && $argv[2] === 'reverse') {
    rsort($lines);
}
echo implode("\n", $lines), "\n";
?>
--EXPECT--
banana
apple
