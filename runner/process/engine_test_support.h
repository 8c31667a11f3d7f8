// Test-only: a PHP script in a fresh temp directory, and the RequestSpec that
// runs it, for the engine tests (sandbox_test.cc, resident_runner_test.cc).
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "runner/process/sandbox.h"

namespace phptrun {

class EngineScript {
 public:
  explicit EngineScript(const std::string& code, double timeout_s = 10) : timeout_s_(timeout_s) {
    char dir[] = "/tmp/phptrun-engine-test-XXXXXX";
    REQUIRE(mkdtemp(dir) != nullptr);
    dir_ = dir;
    path_ = dir_ + "/t.php";
    std::ofstream(path_) << code;
  }
  ~EngineScript() {
    unlink(path_.c_str());
    rmdir(dir_.c_str());
  }
  EngineScript(const EngineScript&) = delete;
  EngineScript& operator=(const EngineScript&) = delete;

  RequestSpec Spec() const {
    RequestSpec spec;
    spec.script_path = path_;
    spec.argv = {path_};
    spec.timeout_s = timeout_s_;
    return spec;
  }
  const std::string& path() const { return path_; }

 private:
  double timeout_s_;
  std::string dir_, path_;
};

}  // namespace phptrun
