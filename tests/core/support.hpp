// Shared test helpers: a core with a fixed seed and identity, and body parsing.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "clik/core.hpp"

namespace clik::test {

constexpr double kT0 = 1706400000000.0;  // 2024-01-28T00:00:00Z, the seed's sample time
inline const std::string kSeedHex(64, 'a');

inline clik::Core make_core(const std::string& config = "{}") {
  clik::Core c;
  c.seed(kSeedHex);
  if (!c.configure(config).empty()) throw std::runtime_error("bad test config: " + c.last_error());
  c.set_identity("myclik", "public", "");
  return c;
}

inline nlohmann::json parse(const std::string& s) {
  auto j = nlohmann::json::parse(s, nullptr, false);
  if (j.is_discarded()) throw std::runtime_error("not JSON: " + s);
  return j;
}

inline nlohmann::json stats(const clik::Core& c) { return parse(c.stats()); }

}  // namespace clik::test
