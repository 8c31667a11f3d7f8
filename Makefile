# phptrun: set-up, build and test on Debian 12.
#   make run    install missing packages, build, run `phptrun suites/` with reports
#   make test   install missing packages, build, run all of the project's tests
#   make build  build only
#   make asan   everything with ASan + UBSan in build-asan/, then all tests there
#               (docs/sanitizers.md; not part of make test: it takes much longer)
#   make build BUILD=build-debug PHP_CONFIG=/opt/php-debug/bin/php-config
#               build against another PHP build (README: "Testing your own PHP build")
SHELL := /bin/bash
BUILD ?= build
JOBS ?= $(shell nproc)
# Not $(BUILD)/reports: that is CMake's build directory of reports/.
REPORTS ?= $(BUILD)/run-reports
# The php-config of the PHP build to embed; empty: what the build directory has
# (Debian's php-config8.2 at first).
PHP_CONFIG ?=
CMAKE_PHP_CONFIG := $(if $(PHP_CONFIG),-DPHP_CONFIG=$(PHP_CONFIG))

# The engine, its headers, the reference CLI and php-cgi (run-tests.php runs
# the CGI sections with it; tests spawn it), with the extension set the
# recorded run-tests.php verdicts assume (opcache, readline, xml family).
DEB_PACKAGES := libphp8.2-embed php8.2-dev php8.2-cli php8.2-cgi php8.2-opcache php8.2-readline \
                php8.2-xml php8.2-sqlite3 php-twig php-monolog php-illuminate-container php-doctrine-orm \
                php-symfony-cache libre2-dev libpcre2-dev libpugixml-dev nlohmann-json3-dev catch2 \
                php-symfony-http-kernel php-symfony-routing \
                cmake g++ make pkg-config \
                libjs-chart.js chromium nodejs valgrind libxml2-utils

.PHONY: deps build run test clean browser-deps fuzz fuzz-deps asan

# Installs only what dpkg does not already report as installed.
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing Debian packages:" $$missing; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_PHP_CONFIG)

build: deps $(BUILD)/CMakeCache.txt
	$(if $(PHP_CONFIG),cmake -S . -B $(BUILD) $(CMAKE_PHP_CONFIG))
	cmake --build $(BUILD) -j $(JOBS)

# Builds only the binary it runs: the test binaries are make test's.
run: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) --target phptrun
	@mkdir -p $(REPORTS)
	$(BUILD)/phptrun --show-diff --junit $(REPORTS)/junit.xml --json $(REPORTS)/report.json \
	  --html $(REPORTS)/report.html suites/; \
	status=$$?; echo "Reports: $(REPORTS)/junit.xml $(REPORTS)/report.json $(REPORTS)/report.html"; \
	[ $$status -le 1 ] # the example suite has failing cases on purpose

# playwright-core for the HTML report's browser test (e2e.html), pinned by
# tests/e2e/browser/package-lock.json, installed into the build directory.
# It drives Debian's /usr/bin/chromium: no browser is downloaded.
# Debian's npm only when there is no npm at all: a Node.js from elsewhere
# (NodeSource) brings its own and conflicts with Debian's package.
browser-deps: $(BUILD)/browser/node_modules/.package-lock.json
$(BUILD)/browser/node_modules/.package-lock.json: tests/e2e/browser/package.json tests/e2e/browser/package-lock.json | deps
	@command -v npm >/dev/null || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends npm; }
	mkdir -p $(BUILD)/browser
	cp tests/e2e/browser/package.json tests/e2e/browser/package-lock.json $(BUILD)/browser/
	cd $(BUILD)/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund

test: build browser-deps
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# libFuzzer builds of fuzz/ with ASan and UBSan, for long runs (bench/fuzz).
# make test runs the same targets without libFuzzer (a replay of seeds and
# mutations), so clang is needed only here.
FUZZ_BUILD ?= build-fuzz
FUZZ_PACKAGES := clang-14 libclang-rt-14-dev
FUZZ_TARGETS := fuzz_phpt_parser fuzz_expect fuzz_diff fuzz_expectf_differential \
                fuzz_re2_pcre2_differential
fuzz-deps:
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(FUZZ_PACKAGES)"

fuzz: deps fuzz-deps
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-14 \
	  -DCMAKE_CXX_COMPILER=clang++-14 -DPHPTRUN_LIBFUZZER=ON
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(FUZZ_TARGETS)

# Everything (phptrun, unit, engine and fuzz-replay tests) built with
# -fsanitize=address,undefined (g++'s runtimes) in build-asan/, then the whole
# CTest suite there; a sanitizer report fails the run (docs/sanitizers.md).
ASAN_BUILD ?= build-asan
ASAN_PACKAGES := libasan8 libubsan1
asan: deps
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(ASAN_PACKAGES)"
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPHPTRUN_SANITIZE=ON $(CMAKE_PHP_CONFIG)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	@$(MAKE) --no-print-directory browser-deps BUILD=$(ASAN_BUILD)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD)
