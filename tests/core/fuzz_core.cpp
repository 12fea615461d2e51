// libFuzzer target: arbitrary bytes into every entry point that takes outside
// input (restore, restoreSession, configure, the track* strings, onResult's
// Retry-After and body). Invariants: no crash, no sanitizer report, every
// emitted body is valid UTF-8 JSON-ish text within its byte budget.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "clik/core.hpp"
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
  check(budget == 0 || body.size() + clik::kEnvelopeBytes <= budget);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
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
