--TEST--
No leak: reference cycles that the garbage collector frees
--DESCRIPTION--
Each request builds an order whose lines point back at the order: a reference
cycle, which reference counting alone never frees. This is the "leak" users
report most under RoadRunner and ReactPHP (memory_get_usage() rising between
requests) that turns out to be garbage not yet collected. Worker runtimes call
gc_collect_cycles() between requests, and so does mode=worker: the cycles are
freed, objects and GC roots stay flat.
Verdict: PASS.
--RESIDENT--
mode=worker
iterations=300
--FILE--
<?php
final class Order
{
    /** @var list<OrderLine> */
    public array $lines = [];
}

final class OrderLine
{
    public function __construct(public Order $order, public string $sku) {}
}

return function (int $iteration): void {
    $order = new Order();
    for ($n = 0; $n < 10; $n++) {
        $order->lines[] = new OrderLine($order, "SKU-$n"); // line -> order -> line: a cycle
    }
    echo count($order->lines), " lines\n";
    // $order goes out of scope here; only the cycle collector can free it.
};
--EXPECT--
10 lines
