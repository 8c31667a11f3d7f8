# End-to-end tests: the real phptrun binary on real phpt files, checked
# against the verdicts run-tests.php gave the same files
# (fixtures/phpt/expected-verdicts.tsv, recorded by bench/record-verdicts).
find_program(PHP_CLI_FOR_TESTS NAMES php${PHP_MAJOR_MINOR} php REQUIRED)
set(E2E ${CMAKE_SOURCE_DIR}/tests/e2e)

add_test(NAME e2e.fixtures
  COMMAND ${PHP_CLI_FOR_TESTS} ${E2E}/run_and_check.php $<TARGET_FILE:phptrun>
          fixtures/phpt fixtures/phpt/expected-verdicts.tsv --timeout 5
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
add_test(NAME e2e.suites
  COMMAND ${PHP_CLI_FOR_TESTS} ${E2E}/run_and_check.php $<TARGET_FILE:phptrun>
          suites suites/expected-verdicts.tsv
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
add_test(NAME e2e.cli
  COMMAND ${CMAKE_COMMAND} -E env PHPTRUN=$<TARGET_FILE:phptrun>
          bash ${E2E}/cli_test.sh
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
# run-tests.php's options and files, on copies of fixtures/runtests-options,
# checked against what run-tests.php wrote for the same cases.
add_test(NAME e2e.runtests_options
  COMMAND ${CMAKE_COMMAND} -E env PHPTRUN=$<TARGET_FILE:phptrun>
          bash ${E2E}/runtests_options_test.sh
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
# -m runs two cases under valgrind: seconds each on a loaded machine.
set_tests_properties(e2e.runtests_options PROPERTIES TIMEOUT 300)
# The lifecycle tracer: --trace, --json and --profile on fixtures/trace, the
# span tree checked (names, nesting, durations, every loaded extension).
add_test(NAME e2e.trace
  COMMAND ${PHP_CLI_FOR_TESTS} ${E2E}/check_trace.php $<TARGET_FILE:phptrun> fixtures/trace
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
# The fixtures take the timeout case's 5 s; nothing else is slow.
set_tests_properties(e2e.fixtures e2e.suites e2e.trace PROPERTIES TIMEOUT 300)
add_test(NAME e2e.redirect
  COMMAND ${PHP_CLI_FOR_TESTS} ${E2E}/run_and_check.php $<TARGET_FILE:phptrun>
          fixtures/redirect fixtures/redirect/expected-verdicts.tsv
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})

# Resident runs: phptrun's own expectations (run-tests.php has no RESIDENT),
# with the JSON series, growth and sites, JUnit and console lines checked.
add_test(NAME e2e.resident_suite
  COMMAND ${PHP_CLI_FOR_TESTS} ${E2E}/resident_check.php $<TARGET_FILE:phptrun>
          suites/resident suites/resident/expected-resident.tsv
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
add_test(NAME e2e.resident_fixtures
  COMMAND ${PHP_CLI_FOR_TESTS} ${E2E}/resident_check.php $<TARGET_FILE:phptrun>
          fixtures/resident fixtures/resident/expected-resident.tsv --timeout 2
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
add_test(NAME e2e.resident_cli
  COMMAND ${CMAKE_COMMAND} -E env PHPTRUN=$<TARGET_FILE:phptrun>
          bash ${E2E}/resident_cli_test.sh
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(e2e.resident_suite e2e.resident_fixtures e2e.resident_cli PROPERTIES TIMEOUT 300)
# phptrun writes each case's script beside it: runs over the same directory
# must not overlap.
set_tests_properties(e2e.suites e2e.resident_suite e2e.resident_cli PROPERTIES RESOURCE_LOCK suites_dir)

# Debug builds only (cmake -DPHP_CONFIG=... of a --enable-debug build with
# zend_test, e.g. bench/build-php debug): the memory manager's leak report
# becomes LEAK/XLEAK, checked against what the build's own CLI reports for
# the same scripts with -d report_memleaks=1.
if(PHP_DEBUG)
  if(EXISTS "${PHP_EXTENSION_DIR}/zend_test.so")
    add_test(NAME e2e.debug_leaks
      COMMAND ${PHP_CLI_FOR_TESTS} ${E2E}/debug_leaks_check.php $<TARGET_FILE:phptrun>
              fixtures/debug-leaks ${PHP_CLI_BINARY} ${PHP_EXTENSION_DIR}
      WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  else()
    message(STATUS "e2e.debug_leaks not registered: no zend_test.so in ${PHP_EXTENSION_DIR} "
                   "(configure php-src with --enable-zend-test=shared)")
  endif()
endif()

# What the engine prints at startup (a module that cannot be loaded, passed
# in TEST_PHP_ARGS as run-tests.php reads it) starts every test's output, as
# with the CLI: verdicts as run-tests.php gave them with the same TEST_PHP_ARGS.
add_test(NAME e2e.startup_output
  COMMAND ${CMAKE_COMMAND} -E env "TEST_PHP_ARGS=-d extension=phptrun_no_such_module"
          ${PHP_CLI_FOR_TESTS} ${E2E}/run_and_check.php $<TARGET_FILE:phptrun>
          fixtures/startup-output fixtures/startup-output/expected-verdicts.tsv
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})

# An extension built with phpize against the embedded build, loaded through
# TEST_PHP_ARGS: an INI handler that logs and refuses its value runs (and
# logs) once, as in the CLI.
string(REPLACE "php-config" "phpize" PHPIZE_FOR_TESTS "${PHP_CONFIG}")
add_test(NAME e2e.ini_log
  COMMAND ${CMAKE_COMMAND} -E env PHPTRUN=$<TARGET_FILE:phptrun> PHPIZE=${PHPIZE_FOR_TESTS}
          PHP_CONFIG=${PHP_CONFIG} PHP_CLI=${PHP_CLI_BINARY} bash ${E2E}/ini_log_check.sh
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(e2e.ini_log PROPERTIES TIMEOUT 300)

# The HTML report in Debian's headless Chromium (playwright-core, installed by
# `make browser-deps` into the build directory).
add_test(NAME e2e.html
  COMMAND ${CMAKE_COMMAND} -E env PHPTRUN=$<TARGET_FILE:phptrun> BUILD_DIR=${CMAKE_BINARY_DIR}
          bash ${E2E}/html_test.sh
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(e2e.html PROPERTIES TIMEOUT 300)
# Shards and merge (docs/ci.md): --timings order, --shard K/N balanced by
# recorded times, phptrun merge, JUnit valid against fixtures/reports/junit-subset.xsd.
add_test(NAME e2e.shards
  COMMAND ${PHP_CLI_FOR_TESTS} ${E2E}/check_shards.php $<TARGET_FILE:phptrun>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
# RUN_SERIAL: it compares the shards' recorded times (within 25%), which other
# tests running beside it would skew.
set_tests_properties(e2e.shards PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE)
# -j auto and cpu_ms (fixtures/jobs): how many cases ran at once, and each
# case's CPU against what the case measured of itself with getrusage().
add_test(NAME e2e.jobs
  COMMAND ${PHP_CLI_FOR_TESTS} ${E2E}/jobs_check.php $<TARGET_FILE:phptrun> fixtures/jobs
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(e2e.jobs PROPERTIES TIMEOUT 300 RESOURCE_LOCK fixtures_jobs)
# Hostile input and timing (issue #15): runs that must end, nothing that
# outlives a run, reports that stay valid.
add_test(NAME e2e.robustness
  COMMAND ${CMAKE_COMMAND} -E env PHPTRUN=$<TARGET_FILE:phptrun>
          bash ${E2E}/robustness_test.sh
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(e2e.robustness PROPERTIES TIMEOUT 600)
