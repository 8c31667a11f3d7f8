# The PHP build phptrun embeds, found through its php-config.
#
#   set(PHP_CONFIG php-config8.2 CACHE ...)   # or -DPHP_CONFIG=/opt/php-debug/bin/php-config
#   include(PhpBuild)
#
# PHP_CONFIG names either an installed build (its --prefix holds lib/libphp*.so and
# include/php) or the scripts/php-config of a php-src tree that was built but not
# installed (the tree's main/, Zend/, ... are the headers, its libs/ the library,
# sapi/cli/php the CLI). Only that build's library is searched for (NO_DEFAULT_PATH):
# a debug build's headers must never be linked against another build's libphp.
#
# Sets:
#   PHP_INCLUDE_DIRS   PHP_EMBED_LIBRARY   PHP_LIBRARY_DIR   PHP_VERSION_STRING
#   PHP_MAJOR_MINOR    PHP_CLI_BINARY      PHP_INI_PATH      PHP_INI_DIR
#   PHP_EXTENSION_DIR  PHP_ZTS (0/1)       PHP_DEBUG (0/1)   PHP_API_NO
#   PHP_BUILD_TREE (the php-src tree, or empty for an installed build)
# and stops with a message saying what to do when the build has no embed SAPI, the
# library is missing, or headers and library are not the same build.

# php-config is a shell script; a php-src tree's scripts/php-config is not
# executable until it is installed, so a path is run through sh.
if(EXISTS "${PHP_CONFIG}" AND NOT IS_DIRECTORY "${PHP_CONFIG}")
  set(_php_config_command sh "${PHP_CONFIG}")
else()
  set(_php_config_command "${PHP_CONFIG}")
endif()

function(_php_config_query out flag)
  execute_process(COMMAND ${_php_config_command} ${flag} OUTPUT_VARIABLE value
                  OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc ERROR_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "PHP_CONFIG=${PHP_CONFIG}: `${PHP_CONFIG} ${flag}` failed (${rc}). "
            "Install php8.2-dev for Debian's php8.2, or pass the php-config of your PHP build: "
            "-DPHP_CONFIG=/path/to/prefix/bin/php-config (make PHP_CONFIG=...).")
  endif()
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

# The facts a header tree states about its build: version, API number, ZTS, debug.
function(_php_header_facts include_dirs out_version out_api out_zts out_debug)
  set(version "")
  set(api "")
  set(zts 0)
  set(debug "")
  foreach(dir ${include_dirs})
    if(EXISTS "${dir}/main/php_version.h" AND version STREQUAL "")
      file(STRINGS "${dir}/main/php_version.h" line REGEX "^#define PHP_VERSION \"")
      string(REGEX REPLACE "^#define PHP_VERSION \"([^\"]*)\".*" "\\1" version "${line}")
    endif()
    if(EXISTS "${dir}/main/php_config.h" AND debug STREQUAL "")
      file(STRINGS "${dir}/main/php_config.h" lines REGEX "^#define (ZTS|ZEND_DEBUG) ")
      set(debug 0)
      foreach(line ${lines})
        if(line MATCHES "^#define ZTS 1")
          set(zts 1)
        elseif(line MATCHES "^#define ZEND_DEBUG 1")
          set(debug 1)
        endif()
      endforeach()
    endif()
    if(EXISTS "${dir}/Zend/zend_modules.h" AND api STREQUAL "")
      file(STRINGS "${dir}/Zend/zend_modules.h" line REGEX "^#define ZEND_MODULE_API_NO ")
      string(REGEX REPLACE "^#define ZEND_MODULE_API_NO ([0-9]+).*" "\\1" api "${line}")
    endif()
  endforeach()
  if(version STREQUAL "" OR api STREQUAL "" OR debug STREQUAL "")
    message(FATAL_ERROR "PHP_CONFIG=${PHP_CONFIG}: the headers (${include_dirs}) lack "
            "main/php_version.h, main/php_config.h or Zend/zend_modules.h: is this build installed "
            "(make install), or for Debian's php8.2, is php8.2-dev installed?")
  endif()
  set(${out_version} "${version}" PARENT_SCOPE)
  set(${out_api} "${api}" PARENT_SCOPE)
  set(${out_zts} "${zts}" PARENT_SCOPE)
  set(${out_debug} "${debug}" PARENT_SCOPE)
endfunction()

# The same facts as the library was compiled with: every module entry carries its
# build id ("API20220829,NTS", "API20220829,TS,debug") and SAPI.c the version in
# "X-Powered-By: PHP/8.2.32". Read from the file, so nothing is run.
function(_php_library_facts library out_version out_api out_zts out_debug)
  file(STRINGS "${library}" ids REGEX "^API2[0-9][0-9][0-9][0-9][0-9][0-9][0-9],(NTS|TS)(,debug)?$")
  file(STRINGS "${library}" powered REGEX "^X-Powered-By: PHP/")
  list(GET ids 0 id)
  list(GET powered 0 version)
  if(id STREQUAL "" OR version STREQUAL "")
    message(FATAL_ERROR "PHP_CONFIG=${PHP_CONFIG}: ${library} does not look like libphp "
            "(no module build id or version string in it).")
  endif()
  string(REGEX REPLACE "^X-Powered-By: PHP/" "" version "${version}")
  string(REGEX REPLACE "^API([0-9]+),.*" "\\1" api "${id}")
  set(zts 0)
  if(id MATCHES ",TS")
    set(zts 1)
  endif()
  set(debug 0)
  if(id MATCHES ",debug$")
    set(debug 1)
  endif()
  set(${out_version} "${version}" PARENT_SCOPE)
  set(${out_api} "${api}" PARENT_SCOPE)
  set(${out_zts} "${zts}" PARENT_SCOPE)
  set(${out_debug} "${debug}" PARENT_SCOPE)
endfunction()

function(_php_describe out version zts debug)
  set(kind "NTS")
  if(zts)
    set(kind "ZTS")
  endif()
  set(mode "release")
  if(debug)
    set(mode "debug")
  endif()
  set(${out} "PHP ${version} ${kind} ${mode}" PARENT_SCOPE)
endfunction()

# A library found for another PHP_CONFIG must not survive a change of PHP_CONFIG.
if(DEFINED _PHPTRUN_PHP_CONFIG_USED AND NOT _PHPTRUN_PHP_CONFIG_USED STREQUAL PHP_CONFIG)
  unset(PHP_EMBED_LIBRARY CACHE)
endif()
set(_PHPTRUN_PHP_CONFIG_USED "${PHP_CONFIG}" CACHE INTERNAL "PHP_CONFIG of the cached PHP_EMBED_LIBRARY")

_php_config_query(PHP_PREFIX --prefix)
_php_config_query(PHP_VERSION_STRING --version)
_php_config_query(PHP_SAPIS --php-sapis)
_php_config_query(PHP_INI_PATH --ini-path)
_php_config_query(PHP_INI_DIR --ini-dir)
_php_config_query(PHP_EXTENSION_DIR --extension-dir)
_php_config_query(PHP_CLI_BINARY --php-binary)
_php_config_query(PHP_CONFIGURE_OPTIONS --configure-options)
string(REGEX MATCH "^[0-9]+\\.[0-9]+" PHP_MAJOR_MINOR "${PHP_VERSION_STRING}")

separate_arguments(_php_sapi_list UNIX_COMMAND "${PHP_SAPIS}")
if(NOT "embed" IN_LIST _php_sapi_list)
  message(FATAL_ERROR "PHP_CONFIG=${PHP_CONFIG}: this PHP build (prefix ${PHP_PREFIX}) has no embed "
          "SAPI (php-config --php-sapis: ${PHP_SAPIS}); phptrun runs tests in libphp. Configure php-src "
          "with --enable-embed=shared (for example: ./configure --enable-debug --enable-embed=shared "
          "--enable-zend-test=shared --prefix=${PHP_PREFIX}), then make && make install, and pass the "
          "same php-config again; bench/build-php builds such a php-src 8.2.")
endif()

# A php-src tree built in place: php-config sits in <tree>/scripts.
get_filename_component(_php_config_path "${PHP_CONFIG}" PROGRAM)
get_filename_component(_php_config_dir "${_php_config_path}" DIRECTORY)
get_filename_component(_php_tree "${_php_config_dir}/.." ABSOLUTE)
set(PHP_BUILD_TREE "")
if(EXISTS "${_php_tree}/main/php_config.h" AND EXISTS "${_php_tree}/Zend/zend.h"
   AND EXISTS "${_php_tree}/sapi/cli/php")
  set(PHP_BUILD_TREE "${_php_tree}")
endif()

if(PHP_BUILD_TREE)
  set(PHP_INCLUDE_DIRS ${PHP_BUILD_TREE} ${PHP_BUILD_TREE}/main ${PHP_BUILD_TREE}/TSRM
      ${PHP_BUILD_TREE}/Zend ${PHP_BUILD_TREE}/ext ${PHP_BUILD_TREE}/ext/date/lib)
  set(_php_library_dirs ${PHP_BUILD_TREE}/libs)
  set(PHP_CLI_BINARY ${PHP_BUILD_TREE}/sapi/cli/php)
  set(PHP_EXTENSION_DIR ${PHP_BUILD_TREE}/modules)
else()
  _php_config_query(_php_includes --includes)
  string(REPLACE "-I" "" PHP_INCLUDE_DIRS "${_php_includes}")
  separate_arguments(PHP_INCLUDE_DIRS)
  # ${prefix}/lib, then the --libdir it was configured with (the last one counts).
  set(_php_library_dirs ${PHP_PREFIX}/lib)
  string(REGEX MATCHALL "--libdir=[^ ]+" _php_libdirs "${PHP_CONFIGURE_OPTIONS}")
  foreach(_php_libdir ${_php_libdirs})
    string(REPLACE "--libdir=" "" _php_libdir "${_php_libdir}")
    string(REPLACE "\${prefix}" "${PHP_PREFIX}" _php_libdir "${_php_libdir}")
    list(APPEND _php_library_dirs ${_php_libdir})
  endforeach()
endif()

find_library(PHP_EMBED_LIBRARY NAMES php${PHP_MAJOR_MINOR} php PATHS ${_php_library_dirs}
             NO_DEFAULT_PATH)
if(NOT PHP_EMBED_LIBRARY)
  message(FATAL_ERROR "PHP_CONFIG=${PHP_CONFIG}: no libphp${PHP_MAJOR_MINOR}.so or libphp.so in "
          "${_php_library_dirs}, although php-config lists the embed SAPI. For Debian's php8.2 "
          "install libphp8.2-embed; for a php-src build, configure it with --enable-embed=shared "
          "(not =static) and run make install (a tree that is not installed keeps it in libs/).")
endif()
get_filename_component(PHP_LIBRARY_DIR "${PHP_EMBED_LIBRARY}" DIRECTORY)

_php_header_facts("${PHP_INCLUDE_DIRS}" _h_version PHP_API_NO PHP_ZTS PHP_DEBUG)
_php_library_facts("${PHP_EMBED_LIBRARY}" _l_version _l_api _l_zts _l_debug)
_php_describe(_h_desc "${_h_version}" ${PHP_ZTS} ${PHP_DEBUG})
_php_describe(_l_desc "${_l_version}" ${_l_zts} ${_l_debug})
if(NOT _h_desc STREQUAL _l_desc OR NOT PHP_API_NO STREQUAL _l_api)
  list(GET PHP_INCLUDE_DIRS 0 _php_include_dir)
  message(FATAL_ERROR "PHP_CONFIG=${PHP_CONFIG}: headers and library are not the same build: "
          "the headers (${_php_include_dir}) are ${_h_desc}, API ${PHP_API_NO}; "
          "${PHP_EMBED_LIBRARY} is ${_l_desc}, API ${_l_api}. Install the build again "
          "(make install) or point PHP_CONFIG (and PHP_EMBED_LIBRARY, if you set it) at one build.")
endif()
if(NOT PHP_VERSION_STRING STREQUAL _h_version)
  message(FATAL_ERROR "PHP_CONFIG=${PHP_CONFIG}: php-config says ${PHP_VERSION_STRING}, its headers "
          "say ${_h_version}: they are not the same build.")
endif()
set(PHP_BUILD_DESCRIPTION "${_h_desc}")
message(STATUS "${PHP_BUILD_DESCRIPTION} (API ${PHP_API_NO}): ${PHP_EMBED_LIBRARY}, "
        "CLI ${PHP_CLI_BINARY}, ini ${PHP_INI_PATH}, extensions ${PHP_EXTENSION_DIR}")
