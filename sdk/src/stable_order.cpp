#include "clik/stable_order.hpp"

namespace clik {

std::vector<std::uint32_t> stable_order(std::size_t n, FunctionRef<bool(std::uint32_t, std::uint32_t)> before) {
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
