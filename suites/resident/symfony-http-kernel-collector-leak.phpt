--TEST--
Memory leak: a Symfony event subscriber keeps every Request and Response
--DESCRIPTION--
The Symfony HttpKernel of symfony-http-kernel-clean (Debian's
php-symfony-http-kernel and php-symfony-routing, 5.4) with one more event
subscriber: a collector of responses, as a profiler's data collectors are, that
keeps every Request and Response it sees on kernel.response until reset(). A
worker runtime that does not reset services between requests (Symfony's
services_resetter, `kernel.reset`) never calls it, so each request's objects
stay: the LEAK names the collector's array, not the kernel code that allocated
the requests.
Ground truth: the same boot file and handler in a plain `php8.2` loop with
gc_collect_cycles() after each request: memory_get_usage() is 1,718,880 bytes
after request 1, 5,500,696 at 500, 16,857,880 at 2,000 and 39,490,328 at 5,000
(about 7.5 KB per request, without end).
Verdict: LEAK, naming $collector->responses.
--RESIDENT--
mode=worker
iterations=300
--FILE--
<?php
require_once '/usr/share/php/Symfony/Component/HttpKernel/autoload.php';
require_once '/usr/share/php/Symfony/Component/Routing/autoload.php';
use Symfony\Component\EventDispatcher\EventDispatcher;
use Symfony\Component\EventDispatcher\EventSubscriberInterface;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\RequestStack;
use Symfony\Component\HttpFoundation\Response;
use Symfony\Component\HttpKernel\Controller\ArgumentResolver;
use Symfony\Component\HttpKernel\Controller\ControllerResolver;
use Symfony\Component\HttpKernel\Event\ResponseEvent;
use Symfony\Component\HttpKernel\EventListener\RouterListener;
use Symfony\Component\HttpKernel\HttpKernel;
use Symfony\Component\HttpKernel\KernelEvents;
use Symfony\Component\Routing\Matcher\UrlMatcher;
use Symfony\Component\Routing\RequestContext;
use Symfony\Component\Routing\Route;
use Symfony\Component\Routing\RouteCollection;

// A collector of response times, as a profiler's data collectors are: it keeps
// every request and response until reset(), which this worker never calls.
final class ResponseCollector implements EventSubscriberInterface
{
    private array $responses = [];

    public static function getSubscribedEvents(): array
    {
        return [KernelEvents::RESPONSE => 'onResponse'];
    }

    public function onResponse(ResponseEvent $event): void
    {
        $this->responses[] = [$event->getRequest(), $event->getResponse()];
    }

    public function reset(): void
    {
        $this->responses = [];
    }
}

$collector = new ResponseCollector();
$routes = new RouteCollection();
$routes->add('profile', new Route('/user/{id}', [
    '_controller' => fn (int $id) => new Response("profile of user $id"),
], ['id' => '\d+']));
$requestStack = new RequestStack();
$dispatcher = new EventDispatcher();
$dispatcher->addSubscriber($collector);
$dispatcher->addSubscriber(new RouterListener(new UrlMatcher($routes, new RequestContext()), $requestStack));
$kernel = new HttpKernel($dispatcher, new ControllerResolver(), $requestStack, new ArgumentResolver());

return function (int $request) use ($kernel): void {
    $req = Request::create("/user/$request");
    $response = $kernel->handle($req);
    echo $response->getStatusCode(), ' ', strlen($response->getContent()) > 0 ? "body\n" : "empty\n";
    $kernel->terminate($req, $response);
};
--EXPECT--
200 body
