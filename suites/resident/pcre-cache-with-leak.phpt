--TEST--
Leak: a router that remembers every path it served, while it fills PCRE's cache
--DESCRIPTION--
The router of pcre-cache-bounded.phpt (a new regex per request, so ext/pcre's
cache grows toward its documented 4096 entries) also appends each path to a
static array that is never emptied: Router::$seen keeps one string per request.
While the cache is below its limit, memory that grows with it is not a leak
by itself, but the retained snapshots see Router::$seen gain one element per
request, and that is user code keeping data: phptrun reports LEAK naming
Router::$seen at every run length (checked at 100, 1,000 and 8,000 iterations).
Ground truth: the same handler in a plain `php8.2` loop of 20,000 requests with
gc_collect_cycles() after each: memory_get_usage() is 617,416 bytes at request
1,000, 834,760 at 2,000, 1,284,808 at 4,096, 1,415,480 at 5,120, 1,532,216 at
8,000, 1,753,912 at 10,000 and 2,469,176 at 20,000 (count(Router::$seen) equals
the request number), where the router without the array stays near 1,000,000
after the cache filled (pcre-cache-bounded.phpt).
Verdict: LEAK (Router::$seen +1 item per request).
--RESIDENT--
mode=worker
iterations=1000
--FILE--
<?php
// A router that builds the pattern from the request and remembers every path it served.
final class Router
{
    public static array $seen = [];
}

return function (int $request): void {
    $path = "/user/$request/profile";
    Router::$seen[] = $path;
    $pattern = '#^/user/' . $request . '/(profile|settings)$#';
    echo preg_match($pattern, $path, $m) ? "route: $m[1]\n" : "no route\n";
};
--EXPECT--
route: profile
