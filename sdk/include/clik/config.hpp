// Tunables of the core, with the documented defaults (bindings/clik_core.d.ts).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>
#include "clik/click_rules.hpp"

namespace clik {

struct Config {
  std::int64_t max_batch_events = 20;
  std::int64_t flush_interval_ms = 10000;
  std::int64_t max_batch_bytes = 48 * 1024;
  std::int64_t urgent_request_bytes = 16 * 1024;
  std::int64_t urgent_total_bytes = 60 * 1024;
  std::int64_t max_queue_events = 1000;
  std::int64_t max_string_bytes = 512;
  std::int64_t session_timeout_ms = 30 * 60 * 1000;
  std::int64_t retry_base_ms = 1000;
  std::int64_t retry_cap_ms = 60000;
  std::int64_t retry_after_cap_ms = 300000;
  std::int64_t max_attempts = 10;
  std::int64_t request_timeout_ms = 15000;
  std::int64_t max_event_age_ms = 6LL * 24 * 3600 * 1000;
  std::vector<ClickRule> click_rules;
};

// Bytes the shim adds around a batch array: {"events":<array>}.
constexpr std::int64_t kEnvelopeBytes = 11;

// Largest serialised event a configuration can produce (every string at
// max_string_bytes, every byte escaped to two), so budgets can be checked
// at configure time instead of failing at send time.
std::int64_t worst_case_event_bytes(const Config& c);

// Applies a JSON object of settings onto `inout`. Returns "" on success, or an
// error message and leaves `inout` unchanged.
std::string apply_config_json(std::string_view json, Config& inout);

}  // namespace clik
