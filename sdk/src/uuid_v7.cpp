#include "clik/uuid_v7.hpp"

namespace clik {

std::string UuidV7Generator::next(std::int64_t now_ms, Random& rng) {
  std::uint64_t ms = now_ms < 0 ? 0 : static_cast<std::uint64_t>(now_ms) & 0xFFFFFFFFFFFFULL;
  if (started_ && ms <= last_ms_) {
    ms = last_ms_;
    if (++counter_ > 0xFFF) {  // counter exhausted: borrow the next millisecond
      ++ms;
      counter_ = static_cast<std::uint32_t>(rng.next() & 0x7FF);
    }
  } else {
    // Random start in the lower half leaves room to count within one ms.
    counter_ = static_cast<std::uint32_t>(rng.next() & 0x7FF);
  }
  started_ = true;
  last_ms_ = ms;
  const std::uint64_t hi = (ms << 16) | 0x7000 | counter_;
  const std::uint64_t lo = (rng.next() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;

  static const char kHex[] = "0123456789abcdef";
  std::string s(36, '-');
  int pos = 0;
  auto put = [&](std::uint64_t v, int nibbles) {
    for (int k = nibbles - 1; k >= 0; --k) {
      if (pos == 8 || pos == 13 || pos == 18 || pos == 23) ++pos;
      s[pos++] = kHex[(v >> (k * 4)) & 15];
    }
  };
  put(hi, 16);
  put(lo, 16);
  return s;
}

bool is_uuid_text(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < 36; ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace clik
