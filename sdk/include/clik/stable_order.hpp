// Stable ordering of positions for the core's few sorts (config members by
// key, restored events by id and by time). std::stable_sort and hash sets cost
// about 3 KB of wasm per element type; this is a short Shell sort instead.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace clik {

// Positions 0..n-1 ordered by `before(i, j)` (a strict weak order on
// positions), equal elements keeping their order. O(n^1.5) comparisons at
// worst (Knuth's gaps): restore's 100000-event bound sorts in milliseconds.
template <class Before>
std::vector<std::uint32_t> stable_order(std::size_t n, Before before) {
  std::vector<std::uint32_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::uint32_t>(i);
  const auto first = [&](std::uint32_t a, std::uint32_t b) { return before(a, b) || (!before(b, a) && a < b); };
  std::size_t gap = 1;
  while (gap < n / 3) gap = gap * 3 + 1;
  for (; gap > 0; gap /= 3)
    for (std::size_t i = gap; i < n; ++i) {
      const std::uint32_t moving = order[i];
      std::size_t j = i;
      for (; j >= gap && first(moving, order[j - gap]); j -= gap) order[j] = order[j - gap];
      order[j] = moving;
    }
  return order;
}

}  // namespace clik
