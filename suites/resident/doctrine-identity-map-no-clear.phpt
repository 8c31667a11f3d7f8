--TEST--
Memory leak: a Doctrine EntityManager that is never cleared keeps every entity
--DESCRIPTION--
Doctrine ORM (Debian's php-doctrine-orm) on an in-memory SQLite database: every
request persists and flushes a new entity and never calls `$em->clear()`, as a
worker must between requests. The UnitOfWork's identity map (and its
bookkeeping arrays) keep every entity: the LEAK names the identity map.
Ground truth: the same boot file and handler in a plain `php` loop with
gc_collect_cycles() after each call: memory_get_usage() 5,152,056 bytes after
request 1, 5,815,840 at 600, 7,009,696 at 1,800, 8,351,008 at 3,000 (about
1.1 KB per request, without end).
Verdict: LEAK, naming $em->unitOfWork->identityMap.
--RESIDENT--
mode=worker
iterations=120
warmup=20
--FILE--
<?php
require_once '/usr/share/php/Doctrine/ORM/autoload.php';
require_once '/usr/share/php/Symfony/Component/Cache/autoload.php';
use Doctrine\ORM\EntityManager;
use Doctrine\ORM\Mapping as ORM;
use Doctrine\ORM\ORMSetup;
use Doctrine\ORM\Tools\SchemaTool;

#[ORM\Entity]
#[ORM\Table(name: 'visits')]
class Visit
{
    #[ORM\Id, ORM\Column(type: 'integer'), ORM\GeneratedValue]
    public ?int $id = null;
    public function __construct(#[ORM\Column(type: 'string')] public string $path) {}
}

$config = ORMSetup::createAttributeMetadataConfiguration([], true);
$em = EntityManager::create(['driver' => 'pdo_sqlite', 'memory' => true], $config);
(new SchemaTool($em))->createSchema([$em->getClassMetadata(Visit::class)]);

return function (int $i) use ($em): void {
    $em->persist(new Visit("/page$i"));
    $em->flush();             // no $em->clear(): the identity map keeps every Visit
    echo "saved\n";
};
--EXPECT--
saved
