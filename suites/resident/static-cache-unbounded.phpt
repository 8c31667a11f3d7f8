--TEST--
Memory leak: a static cache without a bound keeps every user ever loaded
--DESCRIPTION--
Memoising lookups in a static property is harmless in a PHP-FPM request, which
ends after a few lookups. In a worker the static lives as long as the process,
and since every request asks for another user, the cache gains one entry per
request, forever (Swoole's docs warn about exactly this: static arrays that are
only appended to).
Verdict: LEAK: heap and objects grow by one cached User per request; the top
site is the line that creates the cached object.
The bounded version is static-cache-bounded.phpt.
--RESIDENT--
mode=worker
iterations=500
--FILE--
<?php
final class User
{
    public function __construct(public int $id, public string $name) {}
}

final class UserRepository
{
    /** @var array<int, User> */
    private static array $cache = [];

    public static function find(int $id): User
    {
        return self::$cache[$id] ??= new User($id, str_repeat("n", 200)); // <-- leak site
    }
}

// GET /users/{id}: each request asks for a different user.
return function (int $iteration): void {
    $user = UserRepository::find(1000 + $iteration);
    echo "user ", strlen($user->name), "\n";
};
--EXPECT--
user 200
