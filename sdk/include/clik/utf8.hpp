// UTF-8 repair and boundary-safe truncation for every string the core emits.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace clik {

struct SanitizeResult {
  bool truncated = false;  // input did not fit max_bytes and was cut on a character boundary
  bool repaired = false;   // invalid UTF-8 was replaced by U+FFFD
};

// Appends `in` to `out` as valid UTF-8 of at most `max_bytes` bytes:
// each maximal invalid subsequence (overlong forms, surrogates, > U+10FFFF,
// stray continuation bytes, cut sequences) becomes one U+FFFD, ASCII control
// characters become spaces (so JSON escaping at most doubles a string's size,
// which keeps the worst-case event size computable), and the string is cut
// before the first character that would not fit.
SanitizeResult append_sanitized(std::string& out, std::string_view in, std::size_t max_bytes);

// True when `s` is entirely valid UTF-8 (used by tests and the fuzzer).
bool is_valid_utf8(std::string_view s);

}  // namespace clik
