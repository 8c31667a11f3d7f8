--TEST--
Memory leak: an event listener registered per request and never removed
--DESCRIPTION--
Each request registers a listener (here: an audit hook for its response) on a
dispatcher built once at boot, and never removes it. Every request leaves one
more closure behind, and dispatching gets slower as the list grows: the pattern
behind laravel/octane#887, where each request added a terminating callback to
a long-lived application.
Verdict: LEAK: objects +1/iteration and heap growth; the top site is the line
that creates the listener closure.
The fixed version is event-listeners-removed.phpt.
--RESIDENT--
mode=worker
iterations=500
--FILE--
<?php
final class EventDispatcher
{
    /** @var array<string, list<Closure>> */
    private array $listeners = [];

    public function listen(string $event, Closure $listener): void
    {
        $this->listeners[$event][] = $listener;
    }

    public function dispatch(string $event, int $requestId): void
    {
        foreach ($this->listeners[$event] ?? [] as $listener) {
            $listener($requestId);
        }
    }
}

$dispatcher = new EventDispatcher(); // built once, at boot
$audited = 0;

return function (int $iteration) use ($dispatcher, &$audited): void {
    $dispatcher->listen("response.sent", function (int $id) use (&$audited): void { $audited++; }); // <-- leak site
    $dispatcher->dispatch("response.sent", $iteration);
    echo "GET /orders 200\n";
};
--EXPECT--
GET /orders 200
