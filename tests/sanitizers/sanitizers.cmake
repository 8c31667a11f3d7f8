# The ASan + UBSan build (PHPTRUN_SANITIZE, `make asan`, docs/sanitizers.md).

# The executables that start the engine load Debian's extensions, which
# libphp dlopens with RTLD_DEEPBIND: they get the dlopen that drops it.
# Called once every target exists.
function(phptrun_sanitize_executables)
  foreach(target phptrun engine_tests)
    target_sources(${target} PRIVATE ${CMAKE_SOURCE_DIR}/tests/sanitizers/dlopen_shim.c)
    target_link_options(${target} PRIVATE -Wl,--export-dynamic-symbol=dlopen)
  endforeach()
endfunction()

# Every sanitizer report, of any process a test starts (phptrun's supervisor,
# workers and case processes write theirs to stderr, which a case's output
# pipe or a test script may swallow), goes to a file named after the test in
# sanitizer-reports/. The first report stops its process (SIGABRT: not an
# exit status phptrun gives a meaning to), and the test sanitizers.reports,
# run after every other test (a CTest fixture, also with -R), fails listing
# the reports. Called at the end of each directory that registers tests
# (CMake 3.25 sets test properties only in the test's own directory).
set(SANITIZER_REPORTS ${CMAKE_BINARY_DIR}/sanitizer-reports)
function(phptrun_sanitize_tests)
  get_property(dir_tests DIRECTORY PROPERTY TESTS)
  list(FILTER dir_tests EXCLUDE REGEX "^sanitizers\\.")
  foreach(test_name ${dir_tests})
    # Crash signals are left to the process: cases crash on purpose (endless
    # recursion, posix_kill SIGSEGV), and phptrun must see them die of the
    # signal as in any other build, not of an ASan "SEGV" report and abort.
    set(common "log_path=${SANITIZER_REPORTS}/${test_name}:abort_on_error=1:disable_coredump=1")
    string(APPEND common ":handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0")
    set(asan "halt_on_error=1:detect_leaks=1")
    if(test_name IN_LIST SANITIZER_NO_QUARANTINE)
      string(APPEND asan ":quarantine_size_mb=0")
    endif()
    set_property(TEST ${test_name} APPEND PROPERTY ENVIRONMENT
      "ASAN_OPTIONS=${common}:${asan}"
      "UBSAN_OPTIONS=${common}:halt_on_error=1:print_stacktrace=1"
      "LSAN_OPTIONS=suppressions=${CMAKE_SOURCE_DIR}/tests/sanitizers/lsan.supp:print_suppressions=0")
    set_property(TEST ${test_name} APPEND PROPERTY FIXTURES_REQUIRED sanitizer_reports)
    # ASan and UBSan make the code they instrument 2 to 3 times slower.
    get_test_property(${test_name} TIMEOUT timeout)
    if(timeout)
      math(EXPR timeout "${timeout} * 3")
      set_tests_properties(${test_name} PROPERTIES TIMEOUT ${timeout})
    endif()
  endforeach()
endfunction()

# The unit test cases that check a peak resident size ([rss]) run as their
# own test here, unit.rss, without ASan's quarantine: it keeps up to 256 MiB
# of freed memory resident (so that a use after free is caught), which those
# checks would count as memory the code under test kept (docs/sanitizers.md).
set(UNIT_TESTS_EXCLUDED "~[rss]")
set(SANITIZER_NO_QUARANTINE unit.rss)

function(phptrun_sanitizer_report_tests)
  add_test(NAME unit.rss COMMAND unit_tests "[rss]")
  set_tests_properties(unit.rss PROPERTIES TIMEOUT 120)

  add_test(NAME sanitizers.clear COMMAND ${CMAKE_COMMAND} -E rm -rf ${SANITIZER_REPORTS})
  add_test(NAME sanitizers.reports
    COMMAND bash ${CMAKE_SOURCE_DIR}/tests/sanitizers/check_reports.sh ${SANITIZER_REPORTS})
  set_tests_properties(sanitizers.clear PROPERTIES FIXTURES_SETUP sanitizer_reports)
  set_tests_properties(sanitizers.reports PROPERTIES FIXTURES_CLEANUP sanitizer_reports)
endfunction()
