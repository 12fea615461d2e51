// xoshiro256** seeded by the caller: the core never reads a random source itself.
#pragma once
#include <cstdint>
#include <string_view>

namespace clik {

class Random {
 public:
  Random();
  // Mixes caller-provided entropy (raw bytes) into the state.
  void mix(std::string_view bytes);
  std::uint64_t next();
  // Uniform integer in [0, bound); bound 0 yields 0.
  std::uint64_t below(std::uint64_t bound);

 private:
  std::uint64_t s_[4];
};

}  // namespace clik
