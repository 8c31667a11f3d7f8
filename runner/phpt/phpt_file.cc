#include "runner/phpt/phpt_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <utility>

namespace phptrun {
namespace {

// run-tests.php 8.2 TestFile::ALLOWED_SECTIONS, plus phptrun's RESIDENT
// (DESIGN.md). FLAKY came to the 8.2 branch after 8.2.8 (php-src#11325 was
// backported): the 8.2.32 suites use it and their run-tests.php accepts it.
// TEST is not in run-tests' list: it is implicit, and a second --TEST-- header
// is judged by the duplicate/unknown checks like any other. TEST stays last.
constexpr std::array<std::string_view, 37> kHeaderSections = {
    "EXPECT",
    "EXPECTF",
    "EXPECTREGEX",
    "EXPECTREGEX_EXTERNAL",
    "EXPECT_EXTERNAL",
    "EXPECTF_EXTERNAL",
    "EXPECTHEADERS",
    "POST",
    "POST_RAW",
    "GZIP_POST",
    "DEFLATE_POST",
    "PUT",
    "GET",
    "COOKIE",
    "ARGS",
    "FILE",
    "FILEEOF",
    "FILE_EXTERNAL",
    "REDIRECTTEST",
    "CAPTURE_STDIO",
    "STDIN",
    "CGI",
    "PHPDBG",
    "INI",
    "ENV",
    "EXTENSIONS",
    "SKIPIF",
    "XFAIL",
    "XLEAK",
    "CLEAN",
    "CREDITS",
    "DESCRIPTION",
    "CONFLICTS",
    "WHITESPACE_SENSITIVE",
    "FLAKY",
    "RESIDENT",
    "TEST",
};

// Names a section header may introduce (everything but the implicit TEST).
static_assert(kHeaderSections.back() == "TEST");

bool IsHeaderSection(std::string_view name) {
  for (size_t i = 0; i + 1 < kHeaderSections.size(); ++i) {
    if (kHeaderSections[i] == name) return true;
  }
  return false;
}

// PHP's trim() character set.
bool IsPhpTrimChar(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0' || c == '\x0B';
}

std::string_view PhpTrim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && IsPhpTrimChar(s[b])) ++b;
  while (e > b && IsPhpTrimChar(s[e - 1])) --e;
  return s.substr(b, e - b);
}

// PCRE's \s (PCRE2 10.x, non-UCP): space, \t, \n, \v, \f, \r.
bool IsPcreSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// /^--([_A-Z]+)--/ on a line; sets *name to the captured group.
bool MatchHeader(std::string_view line, std::string_view* name) {
  if (line.size() < 5 || line[0] != '-' || line[1] != '-') return false;
  size_t i = 2;
  while (i < line.size() && (line[i] == '_' || (line[i] >= 'A' && line[i] <= 'Z'))) ++i;
  if (i == 2 || i + 2 > line.size() || line[i] != '-' || line[i + 1] != '-') return false;
  *name = line.substr(2, i - 2);
  return true;
}

// /^===DONE===\s*$/ on a line (which holds at most one '\n', at its end).
bool IsDoneLine(std::string_view line) {
  constexpr std::string_view kDone = "===DONE===";
  if (line.substr(0, kDone.size()) != kDone) return false;
  for (size_t i = kDone.size(); i < line.size(); ++i) {
    if (!IsPcreSpace(line[i])) return false;
  }
  return true;
}

// PHP's dirname() for the paths we see ("a/b.phpt" -> "a", "b.phpt" -> ".").
std::string DirName(const std::string& path) {
  size_t end = path.size();
  while (end > 1 && path[end - 1] == '/') --end;
  size_t slash = path.rfind('/', end - 1);
  if (slash == std::string::npos) return ".";
  while (slash > 0 && path[slash - 1] == '/') --slash;
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

bool PhptFile::IsKnownSection(std::string_view name) {
  for (std::string_view known : kHeaderSections) {
    if (known == name) return true;
  }
  return false;
}

PhptFile PhptFile::Load(const std::string& path) {
  std::string content;
  std::string err;
  if (!ReadCaseFile(path, &content, &err)) {
    PhptFile file;
    file.path_ = path;
    file.error_ = "cannot open test file: " + path + ": " + err;
    return file;
  }
  return Parse(path, content);
}

PhptFile PhptFile::Parse(const std::string& path, std::string_view content) {
  PhptFile file;
  file.path_ = path;
  auto& sections = file.sections_;

  // TestFile::readFile.
  if (content.empty()) {
    file.error_ = "empty test";
    return file;
  }
  if (content.compare(0, 8, "--TEST--") != 0) {
    file.error_ = "tests must start with --TEST--";
    return file;
  }

  // The body of the open section is the byte range [body_begin, body_end) of
  // `content`: lines are consecutive, and after ===DONE=== the end just stops
  // moving. It is copied into the map once, when the section closes.
  std::string* current = &sections["TEST"];
  bool current_is_test = true;
  size_t body_begin = 0;
  size_t body_end = 0;
  bool secfile = false;
  bool secdone = false;
  auto close_section = [&]() {
    current->assign(content.data() + body_begin, body_end - body_begin);
    if (current_is_test) file.name_ = std::string(PhpTrim(*current));
  };

  size_t pos = 0;
  {
    const void* nl = std::memchr(content.data(), '\n', content.size());
    pos = nl ? static_cast<const char*>(nl) - content.data() + 1 : content.size();
  }
  body_begin = body_end = pos;
  while (pos < content.size()) {
    const char* start = content.data() + pos;
    const void* nl = std::memchr(start, '\n', content.size() - pos);
    size_t line_end = nl ? static_cast<const char*>(nl) - content.data() + 1 : content.size();
    std::string_view line(start, line_end - pos);
    pos = line_end;

    std::string_view name;
    if (MatchHeader(line, &name)) {
      close_section();
      auto it = sections.find(name);
      if (it != sections.end() && !it->second.empty()) {
        file.error_ = "duplicated " + std::string(name) + " section";
        return file;
      }
      if (!IsHeaderSection(name)) {
        file.error_ = "Unknown section \"" + std::string(name) + "\"";
        return file;
      }
      if (it == sections.end()) {
        it = sections.emplace(std::string(name), std::string()).first;
      } else {
        it->second.clear();
      }
      current = &it->second;
      current_is_test = false;
      body_begin = body_end = pos;
      secfile = name == "FILE" || name == "FILEEOF" || name == "FILE_EXTERNAL";
      secdone = false;
      continue;
    }
    if (!secdone) body_end = pos;
    if (secfile && IsDoneLine(line)) secdone = true;
  }
  close_section();

  // TestFile::validateAndProcess.
  if (file.Has("REDIRECTTEST")) return file;
  if (!file.Has("PHPDBG") &&
      file.Has("FILE") + file.Has("FILEEOF") + file.Has("FILE_EXTERNAL") != 1) {
    file.error_ = "missing section --FILE--";
    return file;
  }
  if (auto it = sections.find("FILEEOF"); it != sections.end()) {
    std::string body = std::move(it->second);
    while (!body.empty() && (body.back() == '\r' || body.back() == '\n')) body.pop_back();
    sections.erase(it);
    sections["FILE"] = std::move(body);
  }
  for (const char* prefix : {"FILE", "EXPECT", "EXPECTF", "EXPECTREGEX"}) {
    std::string key = std::string(prefix) + "_EXTERNAL";
    const std::string* ref = file.Section(key);
    if (ref == nullptr) continue;
    // run-tests keeps tests from reaching outside their directory by deleting
    // every "..", then trims.
    std::string name;
    name.reserve(ref->size());
    for (size_t i = 0; i < ref->size(); ++i) {
      if ((*ref)[i] == '.' && i + 1 < ref->size() && (*ref)[i + 1] == '.') {
        ++i;
        continue;
      }
      name.push_back((*ref)[i]);
    }
    std::string full = DirName(path) + "/" + std::string(PhpTrim(name));
    std::string body;
    std::string err;
    if (!FileExists(full) || !ReadCaseFile(full, &body, &err)) {
      file.error_ = "could not load --" + key + "-- " + full;
      return file;
    }
    sections[prefix] = std::move(body);
  }
  if (file.Has("EXPECT") + file.Has("EXPECTF") + file.Has("EXPECTREGEX") != 1) {
    file.error_ = "missing section --EXPECT--, --EXPECTF-- or --EXPECTREGEX--";
    return file;
  }
  if (file.Has("PHPDBG") && !file.Has("STDIN")) {
    sections["STDIN"] = *file.Section("PHPDBG") + "\n";
  }
  return file;
}

bool PhptFile::Has(std::string_view section) const {
  return sections_.find(section) != sections_.end();
}

const std::string* PhptFile::Section(std::string_view section) const {
  auto it = sections_.find(section);
  return it == sections_.end() ? nullptr : &it->second;
}

std::string PhptFile::ExpectKind() const {
  for (const char* kind : {"EXPECT", "EXPECTF", "EXPECTREGEX"}) {
    if (Has(kind)) return kind;
  }
  return std::string();
}

std::vector<std::string> PhptFile::ConflictKeys() const {
  if (const std::string* body = Section("CONFLICTS")) return ParseConflictKeys(*body);
  std::string content;
  std::string err;
  std::string dir_file = DirName(path_) + "/CONFLICTS";
  if (!FileExists(dir_file) || !ReadCaseFile(dir_file, &content, &err)) return {};
  return ParseConflictKeys(content);
}

// Normally a single read(): the buffer is one byte larger than the file, and
// a regular file only returns a short count at EOF.
bool ReadCaseFile(const std::string& path, std::string* out, std::string* err) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    *err = std::strerror(errno);
    return false;
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    *err = std::strerror(errno);
    ::close(fd);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    *err = S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file";
    ::close(fd);
    return false;
  }
  const std::string too_large = "larger than " + std::to_string(kMaxCaseFileBytes >> 20) + " MiB";
  if (static_cast<uint64_t>(st.st_size) > kMaxCaseFileBytes) {
    *err = too_large;
    ::close(fd);
    return false;
  }
  out->clear();
  out->resize(static_cast<size_t>(st.st_size) + 1);
  size_t used = 0;
  for (;;) {
    if (used == out->size()) {
      if (used > kMaxCaseFileBytes) {  // it grew while we read it
        *err = too_large;
        ::close(fd);
        return false;
      }
      out->resize(out->size() * 2);
    }
    size_t want = out->size() - used;
    ssize_t n = ::read(fd, &(*out)[used], want);
    if (n < 0) {
      if (errno == EINTR) continue;
      *err = std::strerror(errno);
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
    if (static_cast<size_t>(n) < want) break;
  }
  ::close(fd);
  out->resize(used);
  return true;
}

std::vector<std::string> ParseConflictKeys(std::string_view body) {
  std::vector<std::string> keys;
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos) nl = body.size();
    std::string_view line = body.substr(pos, nl - pos);
    // '#' starts a comment that runs to the end of the line.
    if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = PhpTrim(line);
    if (!line.empty()) keys.emplace_back(line);
    pos = nl + 1;
  }
  return keys;
}

}  // namespace phptrun
