#include "reports/text_escape.h"

#include <cstdint>

namespace phptrun {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendByteEscape(uint8_t byte, std::string* out) {
  out->append("\\x");
  out->push_back(kHex[byte >> 4]);
  out->push_back(kHex[byte & 0xf]);
}

void AppendControlEscape(uint8_t byte, std::string* out) {
  out->append("[[0x");
  out->push_back(kHex[byte >> 4]);
  out->push_back(kHex[byte & 0xf]);
  out->append("]]");
}

bool InRange(uint8_t byte, uint8_t lo, uint8_t hi) { return byte >= lo && byte <= hi; }

// Length of the well-formed UTF-8 sequence starting at text[i] (Unicode table
// 3-7: no overlongs, no surrogates, nothing above U+10FFFF), or 0 if none.
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  auto at = [&](size_t k) -> uint8_t { return static_cast<uint8_t>(text[k]); };
  size_t left = text.size() - i;
  uint8_t b0 = at(i);
  if (b0 < 0x80) return 1;
  if (InRange(b0, 0xc2, 0xdf)) {
    return left >= 2 && InRange(at(i + 1), 0x80, 0xbf) ? 2 : 0;
  }
  if (InRange(b0, 0xe0, 0xef)) {
    if (left < 3) return 0;
    uint8_t lo = b0 == 0xe0 ? 0xa0 : 0x80;
    uint8_t hi = b0 == 0xed ? 0x9f : 0xbf;
    return InRange(at(i + 1), lo, hi) && InRange(at(i + 2), 0x80, 0xbf) ? 3 : 0;
  }
  if (InRange(b0, 0xf0, 0xf4)) {
    if (left < 4) return 0;
    uint8_t lo = b0 == 0xf0 ? 0x90 : 0x80;
    uint8_t hi = b0 == 0xf4 ? 0x8f : 0xbf;
    return InRange(at(i + 1), lo, hi) && InRange(at(i + 2), 0x80, 0xbf) &&
                   InRange(at(i + 3), 0x80, 0xbf)
               ? 4
               : 0;
  }
  return 0;
}

bool IsEscapedControl(uint8_t byte, TextSink sink) {
  if (sink == TextSink::kJson) return false;
  if (sink == TextSink::kHtml && (byte == '\r' || byte == 0x7f)) return true;
  return byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r';
}

}  // namespace

std::string EscapeReportText(std::string_view text, TextSink sink) {
  // Fast path: most text is plain ASCII without controls.
  size_t i = 0;
  while (i < text.size()) {
    uint8_t byte = static_cast<uint8_t>(text[i]);
    if (byte >= 0x80 || IsEscapedControl(byte, sink)) break;
    ++i;
  }
  if (i == text.size()) return std::string(text);

  std::string out(text.substr(0, i));
  out.reserve(text.size() + 16);
  while (i < text.size()) {
    uint8_t byte = static_cast<uint8_t>(text[i]);
    if (byte < 0x80) {
      if (IsEscapedControl(byte, sink)) {
        AppendControlEscape(byte, &out);
      } else {
        out.push_back(text[i]);
      }
      ++i;
      continue;
    }
    size_t len = Utf8SequenceLength(text, i);
    if (len == 0) {
      // Escape only this byte and resynchronise on the next one, so a
      // truncated sequence followed by valid text keeps that text.
      AppendByteEscape(byte, &out);
      ++i;
      continue;
    }
    bool non_character = len == 3 && byte == 0xef && static_cast<uint8_t>(text[i + 1]) == 0xbf &&
                         static_cast<uint8_t>(text[i + 2]) >= 0xbe;
    if (non_character && sink == TextSink::kXml) {
      for (size_t k = 0; k < len; ++k) AppendByteEscape(static_cast<uint8_t>(text[i + k]), &out);
    } else {
      out.append(text, i, len);
    }
    i += len;
  }
  return out;
}

std::string EscapeJsonForHtmlScript(std::string_view json) {
  std::string out;
  out.reserve(json.size() + json.size() / 16);
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (c == '<') {
      out.append("\\u003c");
    } else if (c == '>') {
      out.append("\\u003e");
    } else if (c == '&') {
      out.append("\\u0026");
    } else if (c == '\xe2' && i + 2 < json.size() && json[i + 1] == '\x80' &&
               (json[i + 2] == '\xa8' || json[i + 2] == '\xa9')) {
      out.append(json[i + 2] == '\xa8' ? "\\u2028" : "\\u2029");
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace phptrun
