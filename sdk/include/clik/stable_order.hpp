// Stable ordering of positions for the core's few sorts (config members by
// key, restored events by id and by time). std::stable_sort and hash sets cost
// about 3 KB of wasm per element type; this is a short Shell sort instead,
// compiled once: the order is asked through a FunctionRef, not a template
// parameter, so each caller's comparator does not stamp out another copy.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "clik/function_ref.hpp"

namespace clik {

// Positions 0..n-1 ordered by `before(i, j)` (a strict weak order on
// positions), equal elements keeping their order. O(n^1.5) comparisons at
// worst (Knuth's gaps): restore's 100000-event bound sorts in milliseconds.
std::vector<std::uint32_t> stable_order(std::size_t n, FunctionRef<bool(std::uint32_t, std::uint32_t)> before);

}  // namespace clik
