// The CGI side of a phpt case, as run-tests.php 8.2.32 handles it: which
// cases run under php-cgi, the request it builds from their sections
// (run-tests.php :2270-2400), and how their output is read back: headers
// split from the body at the first blank line, EXPECTHEADERS compared with
// them (:2506-2550).
//
//   if (IsCgiTest(test)) {
//     CgiRequest request;
//     if (!BuildCgiRequest(test, &request, &why)) { /* BORK: why */ }
//     ... run it ...
//     SplitCgiOutput(output, &headers, &body);
//     bool ok = CheckExpectedHeaders(test, headers, &diff);
//   }
#pragma once

#include <map>
#include <string>

#include "runner/phpt/phpt_file.h"

namespace phptrun {

// True when a section makes run-tests run the case with php-cgi: CGI, or a
// non-empty GET, POST, POST_RAW, PUT, GZIP_POST, DEFLATE_POST, COOKIE or
// EXPECTHEADERS.
bool IsCgiTest(const PhptFile& test);

struct CgiRequest {
  std::string method = "GET";
  std::string query_string;  // trimmed GET
  std::string content_type;
  std::string body;  // the request body, given on stdin
  bool has_body = false;
  std::string cookie;  // trimmed COOKIE
};

// The request of a CGI test. POST is sent as
// application/x-www-form-urlencoded; POST_RAW and PUT take a leading
// "Content-Type:" line out of the body as the content type. False (with
// *bork = "empty $request", run-tests' reason) when POST_RAW or PUT has no body.
bool BuildCgiRequest(const PhptFile& test, CgiRequest* request, std::string* bork);

// Splits php-cgi output at its first blank line ("\n\n" or "\n\r\n") into
// headers (name -> trimmed value) and body; without a blank line all of it is
// the body.
void SplitCgiOutput(const std::string& output, std::map<std::string, std::string>* headers,
                    std::string* body);

// EXPECTHEADERS: every "Name: value" line must be among `headers` with that
// trimmed value (names compared exactly, as run-tests does). On a mismatch
// *diff shows both header sets. True when the test has no EXPECTHEADERS.
bool CheckExpectedHeaders(const PhptFile& test, const std::map<std::string, std::string>& headers,
                          std::string* diff);

}  // namespace phptrun
