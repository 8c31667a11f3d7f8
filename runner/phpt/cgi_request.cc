#include "runner/phpt/cgi_request.h"

#include <strings.h>

#include <algorithm>

#include "runner/phpt/text_util.h"

namespace phptrun {
namespace {

// "Name: value" lines (name and value trimmed); lines without ':' are
// skipped, a later line wins.
std::map<std::string, std::string> ParseHeaderLines(std::string_view text) {
  std::map<std::string, std::string> headers;
  for (std::string_view line : SplitLines(text, "\r\n")) {
    size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      headers[TrimWhitespace(line.substr(0, colon))] = TrimWhitespace(line.substr(colon + 1));
    }
  }
  return headers;
}

}  // namespace

// Sections that make run-tests run the case under php-cgi.
bool IsCgiTest(const PhptFile& test) {
  if (test.Has("CGI")) return true;
  for (const char* name :
       {"GET", "POST", "POST_RAW", "PUT", "GZIP_POST", "DEFLATE_POST", "COOKIE", "EXPECTHEADERS"}) {
    const std::string* body = test.Section(name);
    if (body && !body->empty()) return true;
  }
  return false;
}

// False (with *bork) for a POST_RAW or PUT without a body, as run-tests.
bool BuildCgiRequest(const PhptFile& test, CgiRequest* r, std::string* bork) {
  if (const std::string* get = test.Section("GET")) r->query_string = TrimWhitespace(*get);
  if (const std::string* cookie = test.Section("COOKIE")) r->cookie = TrimWhitespace(*cookie);
  auto raw = [&](const char* section, const char* method) {
    // A leading "Content-Type:" line becomes the content type; the other
    // lines are the body, joined with \n.
    std::string text = TrimWhitespace(*test.Section(section)), body;
    bool started = false;
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string::npos) end = text.size();
      std::string line = text.substr(pos, end - pos);
      pos = end + 1;
      if (r->content_type.empty() && line.size() >= 13 &&
          strncasecmp(line.c_str(), "Content-Type:", 13) == 0) {
        std::string type = line.substr(13);
        type.erase(std::remove(type.begin(), type.end(), '\r'), type.end());
        r->content_type = TrimWhitespace(type);
        continue;
      }
      if (started) body += '\n';
      started = true;
      body += line;
    }
    if (body.empty()) {
      *bork = "empty $request";
      return false;
    }
    r->method = method;
    r->body = body;
    r->has_body = true;
    return true;
  };
  auto has = [&](const char* name) {
    const std::string* body = test.Section(name);
    return body && !body->empty();
  };
  if (has("POST_RAW")) return raw("POST_RAW", "POST");
  if (has("PUT")) return raw("PUT", "PUT");
  if (has("POST")) {
    r->method = "POST";
    r->body = TrimWhitespace(*test.Section("POST"));
    r->has_body = true;
    r->content_type = "application/x-www-form-urlencoded";
  }
  return true;
}

// CGI output: headers, a blank line, the body (run-tests splits at the
// first blank line, and only if there is one).
void SplitCgiOutput(const std::string& out, std::map<std::string, std::string>* headers,
                    std::string* body) {
  size_t blank = std::string::npos, skip = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] != '\n') continue;
    size_t j = i + 1;
    if (j < out.size() && out[j] == '\r') ++j;
    if (j < out.size() && out[j] == '\n') {
      blank = i;
      skip = j + 1;
      break;
    }
  }
  if (blank == std::string::npos) {
    *body = out;
    return;
  }
  *body = out.substr(skip);
  *headers = ParseHeaderLines(out.substr(0, blank));
}

// EXPECTHEADERS: every "Name: value" line must be among the headers with
// that (trimmed) value. On a mismatch *diff shows both header sets.
bool CheckExpectedHeaders(const PhptFile& test, const std::map<std::string, std::string>& headers,
                          std::string* diff) {
  const std::string* body = test.Section("EXPECTHEADERS");
  if (!body) return true;
  std::map<std::string, std::string> wanted = ParseHeaderLines(*body);
  bool ok = true;
  std::string want_text, got_text;
  for (const auto& [name, value] : wanted) {
    want_text += name + ": " + value + "\n";
    auto it = headers.find(name);
    if (it != headers.end()) got_text += name + ": " + it->second + "\n";
    if (it == headers.end() || it->second != value) ok = false;
  }
  if (!ok)
    *diff = "expected headers:\n" + want_text + "actual headers:\n" + got_text + "--HEADERS--\n";
  return ok;
}

}  // namespace phptrun
