--TEST--
State reset: the shared renderer is reset after every request
--DESCRIPTION--
shared-renderer-state-leak.phpt fixed the way frameworks fix it (Symfony's
ResetInterface, Laravel Octane's flush listeners): the worker resets every
stateful service after each request, so the next request starts clean (the
flash message belongs in the user's session, not in a shared service).
Verdict: PASS (every iteration prints what the first printed; nothing grows).
--RESIDENT--
mode=worker
iterations=200
--FILE--
<?php
final class Renderer
{
    /** @var list<string> */
    private array $flash = [];
    private ?string $user = null;

    public function login(string $user): void { $this->user = $user; }
    public function flash(string $message): void { $this->flash[] = $message; }

    public function render(string $page): string
    {
        $html = "<h1>$page</h1> user=" . ($this->user ?? "guest") . "\n";
        foreach ($this->flash as $message) {
            $html .= "<p class=flash>$message</p>\n";
        }
        $this->flash = [];
        return $html;
    }

    public function reset(): void
    {
        $this->flash = [];
        $this->user = null;
    }
}

$renderer = new Renderer();

return function (int $iteration) use ($renderer): void {
    try {
        $renderer->login("alice");
        echo $renderer->render("Profile");
        $renderer->flash("Profile of alice saved.");
    } finally {
        $renderer->reset(); // what the worker runtime does between requests
    }
};
--EXPECT--
<h1>Profile</h1> user=alice
