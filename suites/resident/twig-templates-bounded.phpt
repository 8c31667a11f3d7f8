--TEST--
No leak: Twig compiles 40 templates on first visit, pages visited at random
--DESCRIPTION--
A Twig environment (Debian's php-twig) with 40 templates and no compile cache:
each template is compiled and its class declared the first time a page asks for
it. Pages are picked at random with a fixed seed, so the last of the 40 is first
visited at request 126; from there on nothing new is compiled or kept. Classes,
objects and heap climb for 126 requests and then stay flat: a bounded cache.
The configured 200 requests end while the cache is still filling in the second
half (undecided), so phptrun extends the run until the series are flat.
Ground truth: the same boot file and handler in a plain `php` loop of 5,000
requests with gc_collect_cycles() after each: memory_get_usage() is 2,596,272
bytes at request 250 and at every 250th request to 5,000 (flat).
Verdict: PASS.
--RESIDENT--
mode=worker
iterations=200
--FILE--
<?php
require_once '/usr/share/php/Twig/autoload.php';

$templates = [];
for ($p = 1; $p <= 40; $p++) {
    $templates["page$p.html"] = "<h1>Page $p</h1>{% for item in items %}<li>{{ item|upper }}</li>{% endfor %}";
}
$twig = new Twig\Environment(new Twig\Loader\ArrayLoader($templates), ['cache' => false]);
mt_srand(13); // the 40th page is first visited at request 126

return function (int $request) use ($twig): void {
    $page = mt_rand(1, 40);
    $html = $twig->render("page$page.html", ['items' => ['a', 'b']]);
    echo str_contains($html, "<li>A</li>") ? "rendered\n" : "broken\n";
};
--EXPECT--
rendered
