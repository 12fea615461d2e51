#include "clik/config.hpp"

#include <nlohmann/json.hpp>

namespace clik {
namespace {

using nlohmann::json;

struct IntSetting {
  const char* key;
  std::int64_t Config::*field;
  std::int64_t min, max;
};

constexpr std::int64_t kDay = 24LL * 3600 * 1000;

const IntSetting kIntSettings[] = {
    {"maxBatchEvents", &Config::max_batch_events, 1, 1000},
    {"flushIntervalMs", &Config::flush_interval_ms, 0, kDay},
    {"maxBatchBytes", &Config::max_batch_bytes, 1024, 1 << 20},
    {"urgentRequestBytes", &Config::urgent_request_bytes, 1024, 65536},
    {"urgentTotalBytes", &Config::urgent_total_bytes, 1024, 65536},
    {"maxQueueEvents", &Config::max_queue_events, 1, 100000},
    {"maxStringBytes", &Config::max_string_bytes, 16, 8192},
    {"sessionTimeoutMs", &Config::session_timeout_ms, 1000, kDay},
    {"retryBaseMs", &Config::retry_base_ms, 1, kDay},
    {"retryCapMs", &Config::retry_cap_ms, 1, kDay},
    {"retryAfterCapMs", &Config::retry_after_cap_ms, 0, kDay},
    {"maxAttempts", &Config::max_attempts, 1, 1000},
    {"requestTimeoutMs", &Config::request_timeout_ms, 100, 600000},
    {"maxEventAgeMs", &Config::max_event_age_ms, 1000, 30 * kDay},
};

constexpr std::size_t kMaxClickRules = 64;
constexpr std::size_t kMaxRulePatternBytes = 256;
constexpr std::size_t kMaxCategoryBytes = 64;

std::string parse_click_rules(const json& v, std::vector<ClickRule>& out) {
  if (!v.is_array()) return "clickRules must be an array";
  if (v.size() > kMaxClickRules) return "clickRules has more than 64 rules";
  out.clear();
  for (const auto& r : v) {
    if (!r.is_object()) return "each click rule must be an object";
    ClickRule rule;
    int patterns = 0;
    bool has_category = false;
    for (auto it = r.begin(); it != r.end(); ++it) {
      const auto& key = it.key();
      if (key != "prefix" && key != "exact" && key != "category")
        return "unknown click rule key \"" + key + "\"";
      if (!it.value().is_string()) return "click rule \"" + key + "\" must be a string";
      const auto& s = it.value().get_ref<const std::string&>();
      if (key == "category") {
        if (s.empty() || s.size() > kMaxCategoryBytes) return "click rule category must be 1-64 bytes";
        rule.category = s;
        has_category = true;
      } else {
        if (s.empty() || s.size() > kMaxRulePatternBytes) return "click rule pattern must be 1-256 bytes";
        rule.exact = key == "exact";
        rule.pattern = s;
        ++patterns;
      }
    }
    if (patterns != 1 || !has_category)
      return "each click rule needs exactly one of \"prefix\"/\"exact\" and a \"category\"";
    out.push_back(std::move(rule));
  }
  return "";
}

}  // namespace

std::int64_t worst_case_event_bytes(const Config& c) {
  // Up to 7 free-text strings per event (escaping at most doubles each, see
  // utf8.hpp), a configured category, plus keys, ids and two timestamps.
  return 7 * 2 * c.max_string_bytes + 2 * static_cast<std::int64_t>(kMaxCategoryBytes) + 400;
}

std::string apply_config_json(std::string_view text, Config& inout) {
  if (text.size() > 65536) return "config is larger than 64 KiB";
  const json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) return "config is not valid JSON";
  if (!j.is_object()) return "config must be a JSON object";
  Config c = inout;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const auto& key = it.key();
    const auto& v = it.value();
    if (key == "clickRules") {
      auto err = parse_click_rules(v, c.click_rules);
      if (!err.empty()) return err;
      continue;
    }
    const IntSetting* s = nullptr;
    for (const auto& candidate : kIntSettings)
      if (key == candidate.key) s = &candidate;
    if (!s) return "unknown config key \"" + key + "\"";
    if (!v.is_number_integer() && !(v.is_number_float() && v.get<double>() == static_cast<double>(static_cast<std::int64_t>(v.get<double>()))))
      return "config \"" + key + "\" must be an integer";
    const auto n = v.is_number_unsigned() ? (v.get<std::uint64_t>() > static_cast<std::uint64_t>(s->max) ? s->max + 1 : static_cast<std::int64_t>(v.get<std::uint64_t>()))
                   : v.is_number_integer() ? v.get<std::int64_t>()
                                           : static_cast<std::int64_t>(v.get<double>());
    if (n < s->min || n > s->max)
      return "config \"" + key + "\" must be between " + std::to_string(s->min) + " and " + std::to_string(s->max);
    c.*(s->field) = n;
  }
  if (c.urgent_total_bytes < c.urgent_request_bytes) return "urgentTotalBytes must be >= urgentRequestBytes";
  if (c.retry_cap_ms < c.retry_base_ms) return "retryCapMs must be >= retryBaseMs";
  const std::int64_t worst = worst_case_event_bytes(c) + 2 + kEnvelopeBytes;
  if (worst > c.max_batch_bytes || worst > c.urgent_request_bytes)
    return "maxStringBytes too large: a worst-case event (" + std::to_string(worst) +
           " bytes) must fit maxBatchBytes and urgentRequestBytes";
  inout = std::move(c);
  return "";
}

}  // namespace clik
