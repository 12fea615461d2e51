#include "clik/random.hpp"

namespace clik {
namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Random::Random() {
  // A fixed start state; callers are expected to seed() with real entropy.
  std::uint64_t x = 0x636C696B636F7265ULL;  // "clikcore"
  for (auto& s : s_) s = splitmix64(x);
}

void Random::mix(std::string_view bytes) {
  // Each 8-byte chunk is folded into the state through splitmix64 so that any
  // amount of entropy (even all-zero input) leaves a non-zero, well-mixed state.
  std::uint64_t chunk = 0;
  std::size_t i = 0;
  for (; i < bytes.size(); ++i) {
    chunk = (chunk << 8) | static_cast<unsigned char>(bytes[i]);
    if (i % 8 == 7) {
      std::uint64_t x = chunk ^ s_[(i / 8) % 4];
      s_[(i / 8) % 4] ^= splitmix64(x);
      chunk = 0;
    }
  }
  std::uint64_t x = chunk ^ (static_cast<std::uint64_t>(bytes.size()) << 32) ^ s_[0];
  for (auto& s : s_) s ^= splitmix64(x);
  if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;
  for (int k = 0; k < 8; ++k) next();
}

std::uint64_t Random::next() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

std::uint64_t Random::below(std::uint64_t bound) {
  if (bound == 0) return 0;
  // Rejection sampling: no modulo bias.
  const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % bound);
  std::uint64_t r;
  do r = next(); while (r >= limit);
  return r % bound;
}

}  // namespace clik
