--TEST--
No leak: a per-request event listener removed when the request ends
--DESCRIPTION--
event-listeners-never-removed.phpt fixed: the listener is removed once the
response is sent, so the dispatcher holds the same listeners after every
request.
Verdict: PASS.
--RESIDENT--
mode=worker
iterations=500
--FILE--
<?php
final class EventDispatcher
{
    /** @var array<string, array<int, Closure>> */
    private array $listeners = [];
    private int $next = 0;

    public function listen(string $event, Closure $listener): int
    {
        $this->listeners[$event][$this->next] = $listener;
        return $this->next++;
    }

    public function forget(string $event, int $handle): void
    {
        unset($this->listeners[$event][$handle]);
    }

    public function dispatch(string $event, int $requestId): void
    {
        foreach ($this->listeners[$event] ?? [] as $listener) {
            $listener($requestId);
        }
    }
}

$dispatcher = new EventDispatcher();
$audited = 0;

return function (int $iteration) use ($dispatcher, &$audited): void {
    $handle = $dispatcher->listen("response.sent", function (int $id) use (&$audited): void { $audited++; });
    try {
        $dispatcher->dispatch("response.sent", $iteration);
        echo "GET /orders 200\n";
    } finally {
        $dispatcher->forget("response.sent", $handle);
    }
};
--EXPECT--
GET /orders 200
