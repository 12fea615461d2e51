#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "clik/function_ref.hpp"
#include "clik/stable_order.hpp"

using clik::stable_order;

// stable_order backs the core's sorts (config members by key, restored events by id
// and by time): equal elements must keep their order, or restore would reorder events
// of the same millisecond and the dedupe would keep a later copy.
TEST_CASE("stable_order sorts positions and keeps equal elements in their order", "[stable_order]") {
  CHECK(stable_order(0, [](std::uint32_t, std::uint32_t) { return false; }).empty());
  CHECK(stable_order(1, [](std::uint32_t, std::uint32_t) { return false; }) == std::vector<std::uint32_t>{0});

  // 1 000 elements with 7 distinct keys: long runs of ties across every Shell gap.
  std::vector<int> keys;
  for (int i = 0; i < 1000; ++i) keys.push_back((i * 37) % 7);
  const auto order = stable_order(keys.size(), [&](std::uint32_t a, std::uint32_t b) { return keys[a] < keys[b]; });
  REQUIRE(order.size() == keys.size());
  std::vector<int> seen(keys.size(), 0);
  for (std::size_t i = 0; i < order.size(); ++i) {
    ++seen[order[i]];
    if (i == 0) continue;
    const auto prev = order[i - 1], cur = order[i];
    REQUIRE(keys[prev] <= keys[cur]);
    if (keys[prev] == keys[cur]) REQUIRE(prev < cur);  // ties in their original order
  }
  CHECK(std::all_of(seen.begin(), seen.end(), [](int n) { return n == 1; }));  // a permutation

  // Descending order and a comparator with state of its own, through the FunctionRef.
  int calls = 0;
  const auto desc = stable_order(5, [&](std::uint32_t a, std::uint32_t b) { ++calls; return a > b; });
  CHECK(desc == std::vector<std::uint32_t>{4, 3, 2, 1, 0});
  CHECK(calls > 0);
}

TEST_CASE("FunctionRef calls the callable it refers to, with its captures", "[stable_order]") {
  int total = 0;
  auto add = [&](int n) { total += n; return total; };
  const clik::FunctionRef<int(int)> ref = add;
  CHECK(ref(2) == 2);
  CHECK(ref(3) == 5);
  const clik::FunctionRef<int(int)> copy = ref;  // a copy refers to the same callable
  CHECK(copy(1) == 6);
  CHECK(total == 6);
}
