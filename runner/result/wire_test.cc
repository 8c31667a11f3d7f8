#include "runner/result/wire.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace phptrun {
namespace {

using namespace std::string_literals;

// A pipe closed when the object goes away.
struct Pipe {
  int read_fd = -1;
  int write_fd = -1;
  explicit Pipe(bool nonblocking_read = false) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    read_fd = fds[0];
    write_fd = fds[1];
    if (nonblocking_read) {
      REQUIRE(fcntl(read_fd, F_SETFL, fcntl(read_fd, F_GETFL) | O_NONBLOCK) == 0);
    }
  }
  ~Pipe() {
    if (read_fd >= 0) close(read_fd);
    CloseWrite();
  }
  void CloseWrite() {
    if (write_fd >= 0) close(write_fd);
    write_fd = -1;
  }
  void Write(std::string_view bytes) {
    REQUIRE(write(write_fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
  }
};

std::string Frame(std::string_view payload) {
  WireWriter w;
  w.Str(payload);  // a Str field is a length-prefixed frame
  return w.data();
}

// A binary payload: every byte value, NULs and 0xff included.
std::string AllBytes(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += static_cast<char>(i & 0xff);
  return s;
}

TEST_CASE("wire: U32 is four little-endian bytes") {
  WireWriter w;
  w.U32(0x04030201);
  CHECK(w.data() == "\x01\x02\x03\x04"s);

  for (uint32_t v :
       {0u, 1u, 0x7fu, 0x80u, 0xffu, 0x100u, 0xdeadbeefu, std::numeric_limits<uint32_t>::max()}) {
    WireWriter w2;
    w2.U32(v);
    CHECK(w2.data().size() == 4);
    WireReader r(w2.data());
    uint32_t back = 0;
    CHECK(r.U32(&back));
    CHECK(back == v);
    CHECK(r.ok());
  }
}

TEST_CASE("wire: I64 round trips, negatives included") {
  WireWriter w;
  w.I64(0x0807060504030201);
  CHECK(w.data() == "\x01\x02\x03\x04\x05\x06\x07\x08"s);

  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{-256}, int64_t{1} << 40,
                    std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    WireWriter w2;
    w2.I64(v);
    CHECK(w2.data().size() == 8);
    WireReader r(w2.data());
    int64_t back = 0;
    CHECK(r.I64(&back));
    CHECK(back == v);
  }
}

TEST_CASE("wire: F64 round trips bit for bit") {
  const double values[] = {0.0,
                           1.5,
                           -2.25,
                           1e300,
                           -1e-300,
                           std::numeric_limits<double>::denorm_min(),
                           std::numeric_limits<double>::max(),
                           std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity()};
  for (double v : values) {
    WireWriter w;
    w.F64(v);
    CHECK(w.data().size() == 8);
    WireReader r(w.data());
    double back = 0;
    CHECK(r.F64(&back));
    CHECK(back == v);
  }
  WireWriter w;
  w.F64(-0.0);
  w.F64(std::nan(""));
  WireReader r(w.data());
  double neg_zero = 1, nan = 0;
  CHECK(r.F64(&neg_zero));
  CHECK(r.F64(&nan));
  CHECK(neg_zero == 0.0);
  CHECK(std::signbit(neg_zero));
  CHECK(std::isnan(nan));
}

TEST_CASE("wire: Str round trips any bytes") {
  const std::string values[] = {
      "", "a", "hello world", "\0"s, "a\0b\xff\xfe\n\r"s, AllBytes(256), std::string(100000, 'x')};
  for (const std::string& v : values) {
    WireWriter w;
    w.Str(v);
    CHECK(w.data().size() == 4 + v.size());
    WireReader r(w.data());
    std::string back = "garbage";
    CHECK(r.Str(&back));
    CHECK(back == v);
    CHECK(r.ok());
  }
}

TEST_CASE("wire: mixed fields come back in order") {
  WireWriter w;
  w.U32(7);
  w.Str("path/a.phpt");
  w.I64(-5);
  w.F64(3.25);
  w.Str("");
  w.Str("\0\xff"s);
  w.U32(0);

  WireReader r(w.data());
  uint32_t a = 0, g = 1;
  std::string b, e = "x", f;
  int64_t c = 0;
  double d = 0;
  CHECK(r.U32(&a));
  CHECK(r.Str(&b));
  CHECK(r.I64(&c));
  CHECK(r.F64(&d));
  CHECK(r.Str(&e));
  CHECK(r.Str(&f));
  CHECK(r.U32(&g));
  CHECK(r.ok());
  CHECK(a == 7);
  CHECK(b == "path/a.phpt");
  CHECK(c == -5);
  CHECK(d == 3.25);
  CHECK(e.empty());
  CHECK(f == "\0\xff"s);
  CHECK(g == 0);

  // Reading past the end fails and stays failed.
  uint32_t extra;
  CHECK_FALSE(r.U32(&extra));
  CHECK_FALSE(r.ok());
}

TEST_CASE("wire: every truncation of a message makes ok() false") {
  WireWriter w;
  w.U32(1);
  w.Str("abc");
  w.I64(2);
  w.F64(2.5);
  w.Str("\0\0"s);
  const std::string& full = w.data();
  for (size_t len = 0; len < full.size(); ++len) {
    INFO("length " << len);
    WireReader r(std::string_view(full).substr(0, len));
    uint32_t u;
    std::string s1, s2;
    int64_t i;
    double f;
    r.U32(&u);
    r.Str(&s1);
    r.I64(&i);
    r.F64(&f);
    bool last = r.Str(&s2);
    CHECK_FALSE(last);
    CHECK_FALSE(r.ok());
  }
}

TEST_CASE("wire: a failed read poisons the reader") {
  // Two bytes left: too few for a U32, but after a failure even a string
  // of length 0 cannot be read.
  WireWriter w;
  w.U32(0);
  w.U32(0);
  WireReader r(std::string_view(w.data()).substr(0, 6));
  uint32_t v;
  int64_t wide;
  CHECK(r.U32(&v));
  CHECK_FALSE(r.I64(&wide));
  CHECK_FALSE(r.ok());
  std::string s;
  CHECK_FALSE(r.Str(&s));
  CHECK_FALSE(r.ok());
}

TEST_CASE("wire: a string length beyond the data fails") {
  WireWriter w;
  w.U32(10);
  std::string data = w.data() + "short";
  WireReader r(data);
  std::string s;
  CHECK_FALSE(r.Str(&s));
  CHECK_FALSE(r.ok());

  WireWriter huge;
  huge.U32(0xffffffff);
  WireReader r2(huge.data());
  CHECK_FALSE(r2.Str(&s));
  CHECK_FALSE(r2.ok());
}

CaseResult SampleResult() {
  CaseResult r;
  r.file = "suites/basics/echo.phpt";
  r.name = "echo with \0 and \xff"s;
  r.verdict = Verdict::kXfail;
  r.reason = "timed out after 60 s";
  r.time_ms = 12.375;
  r.cpu_ms = 3.125;
  r.diff = "001+ \0\xff\xfe binary\n002- expected\n"s;
  r.phases = {{"SKIPIF", 1.5, 1000, 2000, 3000},
              {"RINIT", 0.0, 0, 0, 0},
              {"execute", 7.25, -1, std::numeric_limits<int64_t>::max(), int64_t{1} << 40},
              {"\0name\xff"s, -0.5, 5, 6, 7}};
  r.worker = 3;
  r.start_ms = 98765.5;
  r.warn_failed = true;
  return r;
}

void CheckSame(const CaseResult& a, const CaseResult& b) {
  CHECK(a.file == b.file);
  CHECK(a.name == b.name);
  CHECK(a.verdict == b.verdict);
  CHECK(a.reason == b.reason);
  CHECK(a.time_ms == b.time_ms);
  CHECK(a.cpu_ms == b.cpu_ms);
  CHECK(a.diff == b.diff);
  REQUIRE(a.phases.size() == b.phases.size());
  for (size_t i = 0; i < a.phases.size(); ++i) {
    INFO("phase " << i);
    CHECK(a.phases[i].name == b.phases[i].name);
    CHECK(a.phases[i].ms == b.phases[i].ms);
    CHECK(a.phases[i].heap_before == b.phases[i].heap_before);
    CHECK(a.phases[i].heap_after == b.phases[i].heap_after);
    CHECK(a.phases[i].heap_peak == b.phases[i].heap_peak);
  }
  CHECK(a.worker == b.worker);
  CHECK(a.start_ms == b.start_ms);
  CHECK(a.warn_failed == b.warn_failed);
}

TEST_CASE("wire: a CaseResult round trips with phases and binary bytes") {
  CaseResult in = SampleResult();
  WireWriter w;
  EncodeCaseResult(in, &w);
  WireReader r(w.data());
  CaseResult out;
  out.phases = {{"stale", 1, 1, 1, 1}};  // replaced, not appended to
  REQUIRE(DecodeCaseResult(&r, &out));
  CheckSame(in, out);
  CHECK(r.ok());
}

TEST_CASE("wire: every verdict round trips") {
  for (Verdict v : kAllVerdicts) {
    INFO(VerdictName(v));
    CaseResult in;
    in.verdict = v;
    WireWriter w;
    EncodeCaseResult(in, &w);
    WireReader r(w.data());
    CaseResult out;
    out.verdict = v == Verdict::kPass ? Verdict::kFail : Verdict::kPass;
    REQUIRE(DecodeCaseResult(&r, &out));
    CHECK(out.verdict == v);
    CHECK(out.phases.empty());
  }
}

TEST_CASE("wire: a CaseResult followed by more fields") {
  WireWriter w;
  w.U32(2);  // e.g. a message kind
  EncodeCaseResult(SampleResult(), &w);
  w.Str("trailer");
  WireReader r(w.data());
  uint32_t kind = 0;
  CaseResult out;
  std::string trailer;
  CHECK(r.U32(&kind));
  CHECK(DecodeCaseResult(&r, &out));
  CHECK(r.Str(&trailer));
  CHECK(kind == 2);
  CHECK(trailer == "trailer");
  CheckSame(SampleResult(), out);
}

TEST_CASE("wire: a truncated CaseResult does not decode") {
  WireWriter w;
  EncodeCaseResult(SampleResult(), &w);
  const std::string& full = w.data();
  for (size_t len = 0; len < full.size(); ++len) {
    INFO("length " << len << " of " << full.size());
    WireReader r(std::string_view(full).substr(0, len));
    CaseResult out;
    CHECK_FALSE(DecodeCaseResult(&r, &out));
  }
}

TEST_CASE("wire: an unknown verdict does not decode") {
  WireWriter w;
  w.Str("f");
  w.Str("n");
  w.U32(static_cast<uint32_t>(Verdict::kXleak) + 1);
  w.Str("");
  w.F64(0);
  w.Str("");
  w.U32(0);
  w.U32(1);
  w.F64(0);
  WireReader r(w.data());
  CaseResult out;
  CHECK_FALSE(DecodeCaseResult(&r, &out));
}

TEST_CASE("wire: a phase count larger than the data fails without looping for ever") {
  WireWriter w;
  w.Str("f");
  w.Str("n");
  w.U32(0);
  w.Str("");
  w.F64(0);
  w.Str("");
  w.U32(0xffffffff);  // phases
  WireReader r(w.data());
  CaseResult out;
  CHECK_FALSE(DecodeCaseResult(&r, &out));
  CHECK(out.phases.size() <= 1);
}

TEST_CASE("wire: WriteMessage and ReadMessage over a pipe") {
  Pipe p;
  const std::vector<std::string> messages = {"first", "", AllBytes(300), "\0"s, "last"};
  for (const std::string& m : messages) REQUIRE(WriteMessage(p.write_fd, m));
  p.CloseWrite();

  for (const std::string& m : messages) {
    std::string got = "junk";
    REQUIRE(ReadMessage(p.read_fd, &got));
    CHECK(got == m);
  }
  std::string got;
  CHECK_FALSE(ReadMessage(p.read_fd, &got));  // EOF
}

TEST_CASE("wire: a frame is the length, then the payload") {
  Pipe p;
  REQUIRE(WriteMessage(p.write_fd, "ab\0"s));
  p.CloseWrite();
  char buf[16];
  ssize_t n = read(p.read_fd, buf, sizeof buf);
  REQUIRE(n == 7);
  CHECK(std::string(buf, 7) ==
        "\x03\x00\x00\x00"
        "ab\0"s);
}

TEST_CASE("wire: ReadMessage fails on a frame cut short") {
  SECTION("in the length") {
    Pipe p;
    p.Write("\x05\x00"s);
    p.CloseWrite();
    std::string got;
    CHECK_FALSE(ReadMessage(p.read_fd, &got));
  }
  SECTION("in the payload") {
    Pipe p;
    p.Write(Frame("hello").substr(0, 7));
    p.CloseWrite();
    std::string got;
    CHECK_FALSE(ReadMessage(p.read_fd, &got));
  }
}

TEST_CASE("wire: WriteMessage fails on a closed fd") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  close(fds[0]);
  close(fds[1]);
  CHECK_FALSE(WriteMessage(fds[1], "x"));
}

// Writes `stream` into a non-blocking pipe in chunks of the given sizes
// (cycled), filling the buffer after each chunk and taking every complete
// message; returns the messages in order.
std::vector<std::string> DeliverInChunks(const std::string& stream,
                                         const std::vector<size_t>& sizes) {
  Pipe p(/*nonblocking_read=*/true);
  MessageBuffer buffer;
  std::vector<std::string> got;
  size_t pos = 0;
  for (size_t i = 0; pos < stream.size(); ++i) {
    size_t n = std::min(sizes[i % sizes.size()], stream.size() - pos);
    p.Write(std::string_view(stream).substr(pos, n));
    pos += n;
    CHECK(buffer.Fill(p.read_fd));  // EAGAIN: more may come
    std::string m;
    while (buffer.Next(&m)) got.push_back(m);
  }
  p.CloseWrite();
  CHECK_FALSE(buffer.Fill(p.read_fd));  // EOF
  std::string m;
  CHECK_FALSE(buffer.Next(&m));
  return got;
}

TEST_CASE("wire: MessageBuffer splits messages delivered in any chunks") {
  std::vector<std::string> messages = {
      "a", "", "hello", AllBytes(1000), "\0\0\0\0"s, std::string(70000, 'z'), "tail"};
  std::string stream;
  for (const std::string& m : messages) stream += Frame(m);

  for (size_t size : {1, 2, 3, 4, 5, 7, 4096, 65536}) {
    INFO("chunks of " << size);
    CHECK(DeliverInChunks(stream, {size}) == messages);
  }
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    std::vector<size_t> sizes;
    for (int i = 0; i < 50; ++i) sizes.push_back(1 + rng() % 9000);
    INFO("round " << round);
    CHECK(DeliverInChunks(stream, sizes) == messages);
  }
}

TEST_CASE("wire: a length above the limit poisons a MessageBuffer without buffering the flood") {
  Pipe p(/*nonblocking_read=*/true);
  MessageBuffer buffer(/*max_message=*/100);
  p.Write(Frame("fine") + "\xff\xff\xff\x7f"s + std::string(30000, 'x'));
  CHECK(buffer.Fill(p.read_fd));
  std::string m;
  CHECK_FALSE(buffer.Next(&m));  // what came before it is dropped too
  CHECK(buffer.oversized());
  CHECK(buffer.oversized_length() == 0x7fffffffu);
  p.Write(Frame("later"));  // read and dropped: the writer never blocks
  CHECK(buffer.Fill(p.read_fd));
  CHECK_FALSE(buffer.Next(&m));
  MessageBuffer roomy(/*max_message=*/100);
  p.Write(Frame(std::string(100, 'y')));
  CHECK(roomy.Fill(p.read_fd));
  CHECK(roomy.Next(&m));
  CHECK(m == std::string(100, 'y'));
  CHECK_FALSE(roomy.oversized());
}

TEST_CASE("wire: ReadMessage refuses a length above its limit") {
  Pipe p;
  p.Write("\xff\xff\xff\xff"s);
  p.CloseWrite();
  std::string got;
  CHECK_FALSE(ReadMessage(p.read_fd, &got, 1000));
  CHECK(got.capacity() < 1000);
}

TEST_CASE("wire: MessageBuffer holds many messages read at once") {
  // Fill several times before taking any, so more than 64 KiB of consumed
  // messages sit in front of an incomplete one.
  Pipe p(/*nonblocking_read=*/true);
  MessageBuffer buffer;
  std::vector<std::string> sent;
  std::string stream;
  for (int i = 0; i < 200; ++i) {
    sent.push_back(std::to_string(i) + std::string(997, static_cast<char>('a' + i % 26)));
    stream += Frame(sent.back());
  }
  std::string last = AllBytes(5000);
  std::string last_frame = Frame(last);
  stream += last_frame.substr(0, 2000);
  for (size_t pos = 0; pos < stream.size(); pos += 16384) {
    p.Write(std::string_view(stream).substr(pos, 16384));
    REQUIRE(buffer.Fill(p.read_fd));
  }
  std::vector<std::string> got;
  std::string m;
  while (buffer.Next(&m)) got.push_back(m);
  CHECK(got == sent);

  p.Write(std::string_view(last_frame).substr(2000));
  REQUIRE(buffer.Fill(p.read_fd));
  REQUIRE(buffer.Next(&m));
  CHECK(m == last);
  CHECK_FALSE(buffer.Next(&m));
}

TEST_CASE("wire: MessageBuffer keeps buffered messages after EOF") {
  Pipe p(/*nonblocking_read=*/true);
  p.Write(Frame("one") + Frame("two") + Frame("three").substr(0, 5));
  p.CloseWrite();
  MessageBuffer buffer;
  CHECK_FALSE(buffer.Fill(p.read_fd));
  std::string m;
  REQUIRE(buffer.Next(&m));
  CHECK(m == "one");
  REQUIRE(buffer.Next(&m));
  CHECK(m == "two");
  CHECK_FALSE(buffer.Next(&m));  // the cut-off third never completes
}

TEST_CASE("wire: MessageBuffer with nothing to read") {
  Pipe p(/*nonblocking_read=*/true);
  MessageBuffer buffer;
  CHECK(buffer.Fill(p.read_fd));
  std::string m = "unchanged";
  CHECK_FALSE(buffer.Next(&m));
  CHECK(m == "unchanged");
  CHECK_FALSE(buffer.Fill(-1));  // a read error
}

TEST_CASE("wire: WriteMessage output feeds MessageBuffer") {
  Pipe p(/*nonblocking_read=*/true);
  WireWriter w;
  EncodeCaseResult(SampleResult(), &w);
  REQUIRE(WriteMessage(p.write_fd, w.data()));
  REQUIRE(WriteMessage(p.write_fd, "bye"));
  MessageBuffer buffer;
  REQUIRE(buffer.Fill(p.read_fd));
  std::string m;
  REQUIRE(buffer.Next(&m));
  WireReader r(m);
  CaseResult out;
  REQUIRE(DecodeCaseResult(&r, &out));
  CheckSame(SampleResult(), out);
  REQUIRE(buffer.Next(&m));
  CHECK(m == "bye");
}


// ---- the lifecycle tracer's additions: persistent figures and spans ----

TEST_CASE("wire: persistent figures and a span tree round trip") {
  CaseResult in = SampleResult();
  in.phases[0].persistent_before = 2801664;
  in.phases[0].persistent_after = -1;
  Span request;
  request.name = "FILE";
  request.kind = SpanKind::kRequest;
  request.start_us = 1000.5;
  request.dur_us = 1900.25;
  request.heap_peak = 462848;
  Span hook;
  hook.name = "RINIT \xff date"s;
  hook.kind = SpanKind::kExtension;
  hook.parent = 0;
  hook.start_us = 1100;
  hook.dur_us = 4;
  hook.heap_before = 16;
  hook.heap_after = 40;
  hook.persistent_before = 1;
  hook.persistent_after = 2;
  hook.flags = kSpanInferred | kSpanBailout;
  in.spans = {request, hook};
  WireWriter w;
  EncodeCaseResult(in, &w);
  WireReader r(w.data());
  CaseResult out;
  REQUIRE(DecodeCaseResult(&r, &out));
  CheckSame(in, out);
  CHECK(out.phases[0].persistent_before == 2801664);
  CHECK(out.phases[0].persistent_after == -1);
  CHECK(out.phases[1].persistent_before == -1);
  REQUIRE(out.spans.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    const Span& a = in.spans[i];
    const Span& b = out.spans[i];
    CHECK(a.name == b.name);
    CHECK(a.kind == b.kind);
    CHECK(a.parent == b.parent);
    CHECK(a.start_us == b.start_us);
    CHECK(a.dur_us == b.dur_us);
    CHECK(a.heap_before == b.heap_before);
    CHECK(a.heap_after == b.heap_after);
    CHECK(a.heap_peak == b.heap_peak);
    CHECK(a.persistent_before == b.persistent_before);
    CHECK(a.persistent_after == b.persistent_after);
    CHECK(a.flags == b.flags);
  }
}

TEST_CASE("wire: spans whose parent is not an earlier span do not decode") {
  for (int32_t parent : {0, 1, 5, -2}) {
    INFO("parent " << parent);
    Span s;
    s.name = "x";
    s.parent = parent;
    WireWriter w;
    EncodeSpans({s}, &w);
    WireReader r(w.data());
    std::vector<Span> out;
    CHECK_FALSE(DecodeSpans(&r, &out));
  }
}

TEST_CASE("wire: a span count larger than the data fails") {
  WireWriter w;
  w.U32(0xffffffff);
  WireReader r(w.data());
  std::vector<Span> out;
  CHECK_FALSE(DecodeSpans(&r, &out));
  CHECK(out.empty());
}

}  // namespace
}  // namespace phptrun
