#include <catch2/catch.hpp>

#include "clik/utf8.hpp"
#include "support.hpp"

using namespace clik::test;
using clik::append_sanitized;
using clik::is_valid_utf8;

namespace {
std::string sanitize(std::string_view in, std::size_t max, clik::SanitizeResult* r = nullptr) {
  std::string out;
  const auto res = append_sanitized(out, in, max);
  if (r) *r = res;
  return out;
}
}  // namespace

TEST_CASE("truncation never splits a character", "[utf8]") {
  const std::string s = "ab\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";  // ab é € 😀 (2+2+3+4 bytes)
  CHECK(sanitize(s, 100) == s);
  CHECK(sanitize(s, 2) == "ab");
  CHECK(sanitize(s, 3) == "ab");
  CHECK(sanitize(s, 4) == "ab\xC3\xA9");
  CHECK(sanitize(s, 6) == "ab\xC3\xA9");
  CHECK(sanitize(s, 7) == "ab\xC3\xA9\xE2\x82\xAC");
  CHECK(sanitize(s, 10) == "ab\xC3\xA9\xE2\x82\xAC");
  for (std::size_t n = 0; n <= s.size(); ++n) {
    clik::SanitizeResult r;
    const auto out = sanitize(s, n, &r);
    CHECK(is_valid_utf8(out));
    CHECK(out.size() <= n);
    CHECK(r.truncated == (n < s.size()));
  }
}

TEST_CASE("invalid UTF-8 is replaced, never emitted", "[utf8]") {
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(sanitize("a\xFFz", 100) == "a" + fffd + "z");
  CHECK(sanitize("\xC0\xAF", 100) == fffd + fffd);              // overlong '/'
  CHECK(sanitize("\xED\xA0\x80", 100) == fffd + fffd + fffd);   // UTF-16 surrogate (CESU)
  CHECK(sanitize("\xF4\x90\x80\x80", 100) == fffd + fffd + fffd + fffd);  // > U+10FFFF
  CHECK(sanitize("\xE2\x82", 100) == fffd);                     // cut sequence: one U+FFFD
  CHECK(sanitize("\xE2\x82z", 100) == fffd + "z");
  CHECK(sanitize("\x80\x80", 100) == fffd + fffd);              // stray continuations
  CHECK(sanitize(std::string("a\0b\n\t\x7f", 6), 100) == "a b   ");  // controls -> spaces
}

TEST_CASE("tracked strings are truncated to maxStringBytes on a boundary and counted", "[utf8]") {
  auto c = make_core(R"({"maxStringBytes":16})");
  std::string target = "portfolio.";
  for (int i = 0; i < 10; ++i) target += "\xE2\x82\xAC";  // €
  c.track_click(kT0, target);
  c.track_click(kT0, "contact.\xFF\xFE");
  const auto body = parse(c.poll_batch(kT0 + 10000));  // nlohmann rejects invalid UTF-8
  CHECK(body[0]["data"]["clickTarget"] == "portfolio.\xE2\x82\xAC\xE2\x82\xAC");  // 16 bytes
  CHECK(body[0]["data"]["clickCategory"] == "portfolio");
  CHECK(body[1]["data"]["clickTarget"] == "contact.\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(stats(c)["truncated"] == 1);
}

TEST_CASE("huge strings are cut, not refused", "[utf8]") {
  auto c = make_core();
  const std::string huge(10 << 20, 'x');
  CHECK(c.set_identity(huge, "public", huge) == 0);
  CHECK(c.track_session(kT0, huge, huge) == clik::kQueued);
  const auto body = c.poll_batch(kT0 + 10000);
  CHECK(body.size() < 4096);
  CHECK(parse(body)[0]["data"]["userAgent"].get<std::string>().size() == 512);
}

TEST_CASE("JSON special characters are escaped", "[utf8]") {
  auto c = make_core();
  c.track_click(kT0, "contact.\"quoted\"\\path</script>");
  const auto body = parse(c.poll_batch(kT0 + 10000));
  CHECK(body[0]["data"]["clickTarget"] == "contact.\"quoted\"\\path</script>");
}
