// libFuzzer target: arbitrary bytes into every entry point that takes outside
// input (restore, restoreSession, configure, the track* strings, onResult's
// Retry-After and body). Invariants: no crash, no sanitizer report, every
// emitted body is valid UTF-8 JSON-ish text within its byte budget.
// The whole input also goes through clik's JSON reader and nlohmann::json
// (the parser the reader replaced): both must accept the same documents and
// read the same values from them.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "clik/core.hpp"
#include "clik/json_reader.hpp"
#include "clik/utf8.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void check_body(const std::string& body, std::size_t budget) {
  if (body.empty()) return;
  // budget 0: the fuzzer configured its own limits, only check the shape.
  check(clik::is_valid_utf8(body));
  check(body.front() == '[' && body.back() == ']');
  // The wire form is JSON for any input (the writer's fast paths included).
  const auto parsed = nlohmann::json::parse(body, nullptr, false);
  check(!parsed.is_discarded() && parsed.is_array());
  check(budget == 0 || body.size() + clik::kEnvelopeBytes <= budget);
}

// Same value as nlohmann read. Reals are decimals here and doubles there, so
// only what the core relies on is compared: an exact integer must be the
// double's value, and a double that is an integer must be one here unless the
// decimal has more digits than a double holds (it may then have been rounded).
bool same_value(const clik::JsonValue& ours, const nlohmann::json& theirs) {
  using clik::JsonKind;
  switch (ours.kind()) {
    case JsonKind::Null: return theirs.is_null();
    case JsonKind::False: return theirs.is_boolean() && !theirs.get<bool>();
    case JsonKind::True: return theirs.is_boolean() && theirs.get<bool>();
    case JsonKind::Integer:
      return theirs.is_number_integer() &&
             (theirs.is_number_unsigned() ? ours.integer() >= 0 && static_cast<std::uint64_t>(ours.integer()) == theirs.get<std::uint64_t>()
                                          : ours.integer() == theirs.get<std::int64_t>());
    case JsonKind::BigUnsigned: return theirs.is_number_unsigned() && ours.big_unsigned() == theirs.get<std::uint64_t>();
    case JsonKind::Real: {
      if (!theirs.is_number_float()) return false;
      const double d = theirs.get<double>();
      std::int64_t n = 0;
      const auto as_integer = ours.real_as_integer(n);
      if (as_integer == clik::RealAsInteger::Exact && std::fabs(static_cast<double>(n)) <= 9007199254740992.0)
        return d == static_cast<double>(n);
      if (std::fabs(d) < 9007199254740992.0 && d == std::trunc(d)) {
        std::string_view token = ours.string();
        token = token.substr(0, token.find_first_of("eE"));
        const auto first = token.find_first_of("123456789");
        const auto last = token.find_last_of("123456789");
        const std::size_t significant = first == std::string_view::npos ? 0 : last - first + 1 - (token.substr(first, last - first).find('.') != std::string_view::npos);
        return significant > 15 || as_integer == clik::RealAsInteger::Exact;
      }
      return as_integer != clik::RealAsInteger::Exact || std::fabs(static_cast<double>(n)) > 9007199254740992.0;
    }
    case JsonKind::String: return theirs.is_string() && ours.string() == theirs.get_ref<const std::string&>();
    case JsonKind::Array: {
      if (!theirs.is_array() || theirs.size() != ours.size()) return false;
      std::size_t i = 0;
      for (const auto v : ours)
        if (!same_value(v, theirs[i++])) return false;
      return true;
    }
    case JsonKind::Object: {
      if (!theirs.is_object() || theirs.size() != ours.members_by_key().size()) return false;
      for (auto it = theirs.begin(); it != theirs.end(); ++it)
        if (!same_value(ours.find(it.key()), it.value())) return false;
      return true;
    }
    case JsonKind::Missing: return false;
  }
  return false;
}

void check_json_reader(std::string_view text) {
  const clik::JsonDocument ours(text);
  const auto theirs = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (ours.depth_exceeded()) return;  // nlohmann has no depth limit
  // nlohmann ends the text at a NUL byte outside strings and ignores the rest
  // ("{}\0junk" is {}); the reader refuses NUL like any stray byte. The
  // prefix before the NUL is compared when the fuzzer tries it on its own.
  if (text.find('\0') != std::string_view::npos) return check(ours.error() != nullptr);
  check((ours.error() == nullptr) == !theirs.is_discarded());
  if (!theirs.is_discarded()) check(same_value(ours.root(), theirs));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_json_reader(std::string_view(reinterpret_cast<const char*>(data), size));
  if (size == 0) return 0;
  const std::string_view all(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::uint8_t mode = data[0];
  // Split the remaining input in three parts on 0x1F separators.
  std::string_view part[3];
  {
    std::string_view rest = all;
    for (int i = 0; i < 2; ++i) {
      const auto cut = rest.find('\x1f');
      part[i] = rest.substr(0, cut);
      rest = cut == std::string_view::npos ? std::string_view() : rest.substr(cut + 1);
    }
    part[2] = rest;
  }
  const double t0 = 1706400000000.0;
  clik::Core c;
  c.seed(std::string(64, '7'));
  if (mode & 1) c.configure(part[0]);
  c.set_identity(part[0].empty() ? "u" : part[0], "share", part[1]);
  c.restore(all, t0);
  c.restore_session(all);
  c.track_session(t0, part[1], part[2]);
  c.track_page_view(t0 + 1, part[2]);
  c.track_click(t0 + 2, part[1]);
  c.track_click(t0 + 3, all);
  check(clik::is_valid_utf8(c.snapshot()));
  check(clik::is_valid_utf8(c.session_state()));
  check(!c.click_category(all).empty());
  const auto body = c.poll_batch(t0 + 20000);
  check_body(body, (mode & 1) ? 0 : 48 * 1024);
  if (!body.empty()) {
    const int status = (mode >> 1) % 3 == 0 ? 200 : (mode >> 1) % 3 == 1 ? 503 : 400;
    c.on_result(c.request_id(), t0 + 20001, status, part[1], part[2]);
    c.on_result(c.request_id(), t0 + 20002, 200, part[2], all);
  }
  for (std::string u; !(u = c.poll_urgent(t0 + 20003)).empty();) {
    check_body(u, (mode & 1) ? 0 : 16 * 1024);
    c.on_result(c.request_id(), t0 + 20004, 200, "", all);
  }
  c.next_deadline(t0 + 20005);
  check(clik::is_valid_utf8(c.stats()));
  return 0;
}
