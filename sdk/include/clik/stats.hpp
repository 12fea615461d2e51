// Counters exposed through Core::stats(): nothing is dropped without being counted.
#pragma once
#include <cstdint>
#include <string>

namespace clik {

enum class DropReason {
  QueueOverflow,
  RejectedByServer,
  PermanentFailure,
  RetriesExhausted,
  Expired,
  OptOut,
  Oversize,
  kCount
};

struct Stats {
  std::uint64_t tracked = 0, delivered = 0, retries = 0, truncated = 0;
  std::uint64_t restore_errors = 0, invalid_calls = 0;
  std::uint64_t dropped[static_cast<int>(DropReason::kCount)] = {};

  void drop(DropReason r, std::uint64_t n = 1) { dropped[static_cast<int>(r)] += n; }
  std::uint64_t dropped_by(DropReason r) const { return dropped[static_cast<int>(r)]; }
  std::string to_json(std::uint64_t queued, std::uint64_t in_flight) const;
};

}  // namespace clik
