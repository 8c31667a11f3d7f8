--TEST--
No leak: a Symfony HttpKernel serving requests in worker mode
--DESCRIPTION--
A real Symfony HttpKernel (Debian's php-symfony-http-kernel and
php-symfony-routing, 5.4): an EventDispatcher with the RouterListener, a
UrlMatcher over one route `/user/{id}`, the ControllerResolver and
ArgumentResolver, and a closure controller returning a Response. The worker
boots the kernel once and calls handle() and terminate() per request, as a
worker runtime does. The RequestStack is emptied after every request and
nothing else keeps a request: nothing grows.
Ground truth: the same boot file and handler in a plain `php8.2` loop of 5,000
requests with gc_collect_cycles() after each: memory_get_usage() is 1,707,680
bytes after request 1 and 1,715,840 at request 500 and at every 500th request to
5,000 (flat).
Verdict: PASS.
--RESIDENT--
mode=worker
iterations=500
--FILE--
<?php
require_once '/usr/share/php/Symfony/Component/HttpKernel/autoload.php';
require_once '/usr/share/php/Symfony/Component/Routing/autoload.php';
use Symfony\Component\EventDispatcher\EventDispatcher;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\RequestStack;
use Symfony\Component\HttpFoundation\Response;
use Symfony\Component\HttpKernel\Controller\ArgumentResolver;
use Symfony\Component\HttpKernel\Controller\ControllerResolver;
use Symfony\Component\HttpKernel\EventListener\RouterListener;
use Symfony\Component\HttpKernel\HttpKernel;
use Symfony\Component\Routing\Matcher\UrlMatcher;
use Symfony\Component\Routing\RequestContext;
use Symfony\Component\Routing\Route;
use Symfony\Component\Routing\RouteCollection;

$routes = new RouteCollection();
$routes->add('profile', new Route('/user/{id}', [
    '_controller' => fn (int $id) => new Response("profile of user $id"),
], ['id' => '\d+']));
$requestStack = new RequestStack();
$dispatcher = new EventDispatcher();
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
