--TEST--
State leak: a flash message shared as a default parameter on request 1 shows on every later request
--DESCRIPTION--
The renderer's `share()` adds a default parameter for every later render. Request 1
shares a flash message meant for it alone; from then on every request prints it. All
iterations print the same thing, so `same_output` sees nothing: the state leak shows
only against a worker that never served request 1. phptrun serves requests 2, 25 and
50 also in a freshly booted worker and compares: request 2 differs.
Ground truth: plain `php`: booting the file and calling the handler with 1 then 2
prints the flash paragraph twice; booting it and calling the handler with 2 alone
prints `<h1>Home</h1>` only.
Verdict: FAIL (output of request 2 differs from a fresh worker serving request 2).
--RESIDENT--
mode=worker
iterations=50
--FILE--
<?php
final class Renderer
{
    private array $defaults = ['title' => 'Home'];

    public function share(string $key, string $value): void
    {
        $this->defaults[$key] = $value;
    }

    public function render(array $params = []): string
    {
        $params += $this->defaults;
        $flash = isset($params['flash']) ? "<p class=flash>{$params['flash']}</p>" : '';
        return "<h1>{$params['title']}</h1>$flash\n";
    }
}

$renderer = new Renderer();
return function (int $request) use ($renderer): void {
    if ($request === 1) {
        $renderer->share('flash', 'Welcome back!'); // meant for request 1 only
    }
    echo $renderer->render();
};
--EXPECT--
<h1>Home</h1><p class=flash>Welcome back!</p>
