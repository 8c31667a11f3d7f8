--TEST--
State leak: a shared renderer shows one request's flash message to the next
--DESCRIPTION--
A worker (Swoole, RoadRunner, FrankenPHP worker mode) builds its services once
at boot and reuses them for every request. This renderer keeps the flash
messages of the post/redirect/get pattern itself instead of in the session:
request 1 queues "Profile saved." for its user's next page, and request 2,
whoever sends it, gets it. Nothing grows (render() consumes the messages), so
only the output shows it: the class of bug behind FrankenPHP's $_SESSION
advisory (GHSA-r3xh-3r3w-47gp) and Octane's tenant leaks.
Every iteration handles the same request, so a stateless worker prints the same
thing each time (same_output=1, the default).
Verdict: FAIL, "output of iteration 2 differs from iteration 1", with the diff.
The fix is shared-renderer-reset.phpt.
--RESIDENT--
mode=worker
iterations=50
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
        $this->flash = []; // shown once
        return $html;
    }
}

$renderer = new Renderer(); // built once, at boot

// The request handler: POST /profile by alice, then a flash for her next page.
return function (int $iteration) use ($renderer): void {
    $renderer->login("alice");
    echo $renderer->render("Profile");
    $renderer->flash("Profile of alice saved."); // meant for alice's next request only
};
--EXPECT--
<h1>Profile</h1> user=alice
