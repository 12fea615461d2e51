#include "clik/utf8.hpp"

namespace clik {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";

// Length of the valid sequence starting at p[i], or 0 with `consumed` set to
// the length of the maximal invalid subpart (>= 1) to replace.
std::size_t valid_sequence(const unsigned char* p, std::size_t n, std::size_t i, std::size_t& consumed) {
  const unsigned char c = p[i];
  std::size_t len = 0;
  if (c >= 0xC2 && c <= 0xDF) len = 2;
  else if (c >= 0xE0 && c <= 0xEF) len = 3;
  else if (c >= 0xF0 && c <= 0xF4) len = 4;
  consumed = 1;
  if (len == 0) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if (i + k >= n) return 0;
    const unsigned char b = p[i + k];
    unsigned char lo = 0x80, hi = 0xBF;
    if (k == 1) {
      if (c == 0xE0) lo = 0xA0;        // overlong 3-byte
      else if (c == 0xED) hi = 0x9F;   // UTF-16 surrogates
      else if (c == 0xF0) lo = 0x90;   // overlong 4-byte
      else if (c == 0xF4) hi = 0x8F;   // > U+10FFFF
    }
    if (b < lo || b > hi) return 0;
    consumed = k + 1;
  }
  return len;
}

}  // namespace

SanitizeResult append_sanitized(std::string& out, std::string_view in, std::size_t max_bytes) {
  SanitizeResult r;
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  const std::size_t n = in.size();
  std::size_t i = 0, written = 0;
  while (i < n) {
    // A run of printable ASCII (nearly all a share page sends) is one append:
    // byte-by-byte push_back was the largest cost of a track call.
    const std::size_t stop = max_bytes - written < n - i ? i + (max_bytes - written) : n;
    std::size_t j = i;
    while (j < stop && p[j] >= 0x20 && p[j] < 0x7F) ++j;
    if (j > i) {
      out.append(in.data() + i, j - i);
      written += j - i;
      i = j;
      continue;
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      if (written + 1 > max_bytes) { r.truncated = true; break; }
      out.push_back((c < 0x20 || c == 0x7F) ? ' ' : static_cast<char>(c));
      ++written;
      ++i;
      continue;
    }
    std::size_t consumed = 1;
    const std::size_t len = valid_sequence(p, n, i, consumed);
    if (len == 0) {
      if (written + 3 > max_bytes) { r.truncated = true; break; }
      out.append(kReplacement, 3);
      written += 3;
      i += consumed;
      r.repaired = true;
      continue;
    }
    if (written + len > max_bytes) { r.truncated = true; break; }
    out.append(in.data() + i, len);
    written += len;
    i += len;
  }
  return r;
}

bool is_valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t i = 0;
  while (i < s.size()) {
    if (p[i] < 0x80) { ++i; continue; }
    std::size_t consumed = 1;
    const std::size_t len = valid_sequence(p, s.size(), i, consumed);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

}  // namespace clik
