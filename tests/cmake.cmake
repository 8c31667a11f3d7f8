# The configure-time checks of cmake/PhpBuild.cmake, on fake PHP builds
# (fixtures/php-config/*/bin/php-config: shell scripts answering as php-config
# does, with headers and a library stand-in holding the strings the checks
# read). Each test configures tests/cmake/php_build in a fresh directory;
# CMake wraps its messages, so the output is checked as one line.
set(PHP_BUILD_FIXTURES ${CMAKE_SOURCE_DIR}/fixtures/php-config)
function(php_build_test name fixture pass_regex)
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/php_build_${name})
  add_test(NAME unit.php_build_${name}
    COMMAND ${CMAKE_COMMAND} -E env --unset=MAKEFLAGS
            sh -c "rm -rf '${dir}' && '${CMAKE_COMMAND}' -S '${CMAKE_SOURCE_DIR}/tests/cmake/php_build' -B '${dir}' -DPHP_CONFIG='${PHP_BUILD_FIXTURES}/${fixture}/bin/php-config' >'${dir}.log' 2>&1; echo \"cmake exit status: $?\" >>'${dir}.log'; tr -s '\\n ' '  ' <'${dir}.log'")
  set_tests_properties(unit.php_build_${name} PROPERTIES PASS_REGULAR_EXPRESSION "${pass_regex}")
endfunction()
# A build without the embed SAPI: refused, with how to configure one.
php_build_test(no_embed no-embed "has no embed SAPI.*--enable-embed=shared.*cmake exit status: 1")
# php-config lists embed but the prefix has no libphp (and the system's is never taken).
php_build_test(no_library no-library "no libphp8.2.so or libphp.so in [^ ]*no-library/lib,.*cmake exit status: 1")
# ZTS headers with an NTS library: not the same build.
php_build_test(mismatch mismatch "not the same build.*are PHP 8.2.32 ZTS debug.*is PHP 8.2.32 NTS debug.*cmake exit status: 1")
# Headers and library agree: configured, and the build is named.
php_build_test(same_build same-build "PHP 8.2.32 NTS debug \\(API 20220829\\):.*same-build/lib/libphp.so.*cmake exit status: 0")
