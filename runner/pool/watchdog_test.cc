#include "runner/pool/watchdog.h"

#include <catch2/catch.hpp>

namespace phptrun {
namespace {

TEST_CASE("watchdog: a claimed step extends a passed deadline by the claim plus the grace") {
  // No claim: the deadline stands.
  CHECK(ExtendedDeadline(1000, WorkerClaim(), 30) == 1000);
  // Judging until 5000: the worker has until 5030.
  CHECK(ExtendedDeadline(1000, {WorkerStep::kJudging, 5000}, 30) == 5030);
  CHECK(ExtendedDeadline(1000, {WorkerStep::kRequest, 2000}, 30) == 2030);
  // A claim that ends before the deadline never shortens it.
  CHECK(ExtendedDeadline(9000, {WorkerStep::kJudging, 5000}, 30) == 9000);
}

TEST_CASE("watchdog: the board keeps each worker's claim whole, per slot") {
  auto board = WatchdogBoard::Create(2);
  REQUIRE(board);
  CHECK(board->Read(0).step == WorkerStep::kBetween);
  board->Post(1, {WorkerStep::kJudging, 123456789.25});
  WorkerClaim read = board->Read(1);
  CHECK(read.step == WorkerStep::kJudging);
  CHECK(read.until_ms == 123456790);  // whole ms, rounded up: never earlier than claimed
  CHECK(board->Read(0).step == WorkerStep::kBetween);
  board->Post(1, WorkerClaim());
  CHECK(board->Read(1).step == WorkerStep::kBetween);
  // Slots that do not exist are ignored.
  board->Post(7, {WorkerStep::kRequest, 1});
  CHECK(board->Read(7).step == WorkerStep::kBetween);
}

TEST_CASE("watchdog: a stuck worker's reason says in which step, and how long the case ran") {
  CHECK(StuckReason({WorkerStep::kJudging, 1}, 300000, 4250) ==
        "judging the output took longer than 300.0 s: the worker stopped answering and was "
        "killed (the case ran 4.2 s)");
  CHECK(StuckReason({WorkerStep::kRequest, 1}, 300000, 95000).find("past a request's timeout") !=
        std::string::npos);
  CHECK(StuckReason(WorkerClaim(), 300000, 95000) ==
        "timed out: the worker stopped answering and was killed (the case ran 95.0 s)");
}

}  // namespace
}  // namespace phptrun
