// RFC 9562 UUID version 7: 48-bit Unix ms, then a 12-bit counter that keeps
// ids from one generator strictly increasing even within a millisecond or
// when the caller's clock steps back.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include "clik/random.hpp"

namespace clik {

class UuidV7Generator {
 public:
  std::string next(std::int64_t now_ms, Random& rng);

 private:
  bool started_ = false;
  std::uint64_t last_ms_ = 0;
  std::uint32_t counter_ = 0;
};

// True for the canonical 8-4-4-4-12 lowercase-hex form.
bool is_uuid_text(std::string_view s);

}  // namespace clik
