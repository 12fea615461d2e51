#include "clik/config.hpp"

#include "clik/json_reader.hpp"
#include "clik/json_writer.hpp"

namespace clik {
namespace {

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

std::string decimal(std::int64_t n) {
  std::string s;
  append_json_int(s, n);
  return s;
}

std::string parse_click_rules(const JsonValue& v, std::vector<ClickRule>& out) {
  if (!v.is_array()) return "clickRules must be an array";
  if (v.size() > kMaxClickRules) return "clickRules has more than 64 rules";
  out.clear();
  for (const JsonValue r : v) {
    if (!r.is_object()) return "each click rule must be an object";
    ClickRule rule;
    int patterns = 0;
    bool has_category = false;
    for (const JsonValue member : r.members_by_key()) {
      const std::string key(member.key());
      if (key != "prefix" && key != "exact" && key != "category")
        return "unknown click rule key \"" + key + "\"";
      if (!member.is_string()) return "click rule \"" + key + "\" must be a string";
      const std::string_view s = member.string();
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
  const JsonDocument doc(text);
  const JsonValue j = doc.root();
  if (doc.error()) return "config is not valid JSON";
  if (!j.is_object()) return "config must be a JSON object";
  Config c = inout;
  // members_by_key: the order nlohmann iterated, so the same first error is reported.
  for (const JsonValue v : j.members_by_key()) {
    const std::string key(v.key());
    if (key == "clickRules") {
      auto err = parse_click_rules(v, c.click_rules);
      if (!err.empty()) return err;
      continue;
    }
    const IntSetting* s = nullptr;
    for (const auto& candidate : kIntSettings)
      if (key == candidate.key) s = &candidate;
    if (!s) return "unknown config key \"" + key + "\"";
    // Integral reals (20000.0, 2e4) count as integers, as they did under nlohmann;
    // a real beyond int64 was "not an integer" there too.
    std::int64_t n = 0;
    if (v.kind() == JsonKind::Integer) n = v.integer();
    else if (v.kind() == JsonKind::BigUnsigned) n = s->max + 1;
    else if (v.kind() != JsonKind::Real || v.real_as_integer(n) != RealAsInteger::Exact)
      return "config \"" + key + "\" must be an integer";
    if (n < s->min || n > s->max)
      return "config \"" + key + "\" must be between " + decimal(s->min) + " and " + decimal(s->max);
    c.*(s->field) = n;
  }
  if (c.urgent_total_bytes < c.urgent_request_bytes) return "urgentTotalBytes must be >= urgentRequestBytes";
  if (c.retry_cap_ms < c.retry_base_ms) return "retryCapMs must be >= retryBaseMs";
  const std::int64_t worst = worst_case_event_bytes(c) + 2 + kEnvelopeBytes;
  if (worst > c.max_batch_bytes || worst > c.urgent_request_bytes)
    return "maxStringBytes too large: a worst-case event (" + decimal(worst) +
           " bytes) must fit maxBatchBytes and urgentRequestBytes";
  inout = std::move(c);
  return "";
}

}  // namespace clik
