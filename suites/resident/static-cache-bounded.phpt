--TEST--
No leak: a static cache with a bound keeps at most 32 users
--DESCRIPTION--
static-cache-unbounded.phpt with a bound: the cache evicts its oldest entry once
it holds 32 users. It fills up during warm-up (the first 50 of 500 requests),
then stays the same size: memory steps up while it fills, then is flat, which
the leak rule does not count as a leak.
Verdict: PASS.
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
    private const MAX_ENTRIES = 32;
    /** @var array<string, User> */
    private static array $cache = [];

    public static function find(int $id): User
    {
        $key = "user:$id";
        if (isset(self::$cache[$key])) {
            return self::$cache[$key];
        }
        if (count(self::$cache) >= self::MAX_ENTRIES) {
            unset(self::$cache[array_key_first(self::$cache)]); // evict the oldest
        }
        return self::$cache[$key] = new User($id, str_repeat("n", 200));
    }
}

return function (int $iteration): void {
    $user = UserRepository::find(1000 + $iteration);
    echo "user ", strlen($user->name), "\n";
};
--EXPECT--
user 200
