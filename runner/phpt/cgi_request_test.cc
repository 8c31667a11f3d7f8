#include "runner/phpt/cgi_request.h"

#include <catch2/catch.hpp>

namespace phptrun {
namespace {

PhptFile Parse(const std::string& sections) {
  PhptFile test = PhptFile::Parse("/tmp/cgi.phpt",
                                  "--TEST--\ncgi\n" + sections + "--FILE--\n<?php\n--EXPECT--\n");
  REQUIRE(test.ok());
  return test;
}

TEST_CASE("CGI: which sections make a CGI test") {
  CHECK(IsCgiTest(Parse("--GET--\na=1\n")));
  CHECK(IsCgiTest(Parse("--CGI--\n")));  // present is enough
  CHECK(IsCgiTest(Parse("--COOKIE--\nc=1\n")));
  CHECK(IsCgiTest(Parse("--EXPECTHEADERS--\nX: 1\n")));
  CHECK_FALSE(IsCgiTest(Parse("--GET--\n")));  // empty GET: not CGI
  CHECK_FALSE(IsCgiTest(Parse("--INI--\nprecision=5\n")));
}

TEST_CASE("CGI: GET and COOKIE are trimmed; a plain request is a GET without body") {
  CgiRequest r;
  std::string bork;
  REQUIRE(BuildCgiRequest(Parse("--GET--\n  a=1&b=2 \n--COOKIE--\n c=3 \n"), &r, &bork));
  CHECK(r.method == "GET");
  CHECK(r.query_string == "a=1&b=2");
  CHECK(r.cookie == "c=3");
  CHECK_FALSE(r.has_body);
}

TEST_CASE("CGI: POST is urlencoded form data, trimmed") {
  CgiRequest r;
  std::string bork;
  REQUIRE(BuildCgiRequest(Parse("--POST--\n\na=Hello+World\n\n"), &r, &bork));
  CHECK(r.method == "POST");
  CHECK(r.content_type == "application/x-www-form-urlencoded");
  CHECK(r.body == "a=Hello+World");
  CHECK(r.has_body);
}

TEST_CASE("CGI: POST_RAW and PUT take their Content-Type line out of the body") {
  CgiRequest r;
  std::string bork;
  REQUIRE(BuildCgiRequest(Parse("--POST_RAW--\ncontent-type: text/plain\r\nline 1\nline 2\n"), &r,
                          &bork));
  CHECK(r.method == "POST");
  CHECK(r.content_type == "text/plain");
  CHECK(r.body == "line 1\nline 2");

  CgiRequest put;
  REQUIRE(BuildCgiRequest(Parse("--PUT--\nContent-Type: application/json\n{}\n"), &put, &bork));
  CHECK(put.method == "PUT");
  CHECK(put.content_type == "application/json");
  CHECK(put.body == "{}");
}

TEST_CASE("CGI: a POST_RAW without a body borks as run-tests does") {
  CgiRequest r;
  std::string bork;
  CHECK_FALSE(BuildCgiRequest(Parse("--POST_RAW--\nContent-Type: text/plain\n"), &r, &bork));
  CHECK(bork == "empty $request");
}

TEST_CASE("CGI: output splits at the first blank line") {
  std::map<std::string, std::string> headers;
  std::string body;
  SplitCgiOutput("Status: 404 Not Found\r\nX-A:  1 \r\n\r\nbody\r\n\r\nmore", &headers, &body);
  CHECK(headers == std::map<std::string, std::string>{{"Status", "404 Not Found"}, {"X-A", "1"}});
  CHECK(body == "body\r\n\r\nmore");

  headers.clear();
  SplitCgiOutput("no headers at all", &headers, &body);
  CHECK(headers.empty());
  CHECK(body == "no headers at all");
}

TEST_CASE("CGI: EXPECTHEADERS needs every header with its value, names exactly") {
  PhptFile test = Parse("--EXPECTHEADERS--\nContent-type: text/plain\nX-A: 1\n");
  std::string diff;
  CHECK(CheckExpectedHeaders(test, {{"Content-type", "text/plain"}, {"X-A", "1"}, {"X-B", "2"}},
                             &diff));
  CHECK(diff.empty());
  // php-cgi writes "Content-type"; run-tests compares names exactly.
  CHECK_FALSE(CheckExpectedHeaders(test, {{"Content-Type", "text/plain"}, {"X-A", "1"}}, &diff));
  CHECK(diff.find("expected headers:\nContent-type: text/plain\nX-A: 1\n") != std::string::npos);
  CHECK(diff.find("actual headers:\nX-A: 1\n") != std::string::npos);
  CHECK(CheckExpectedHeaders(Parse(""), {}, &diff));  // no EXPECTHEADERS
}

}  // namespace
}  // namespace phptrun
