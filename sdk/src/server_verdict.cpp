#include "clik/server_verdict.hpp"

#include <nlohmann/json.hpp>

namespace clik {

ServerVerdict parse_server_verdict(std::string_view body, std::size_t batch_size) {
  using nlohmann::json;
  ServerVerdict v;
  v.rejected.assign(batch_size, false);
  // Only an object can carry a verdict; skip the parser for anything else.
  std::size_t i = 0;
  while (i < body.size() && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t')) ++i;
  if (i == body.size() || body[i] != '{') return v;
  const json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return v;
  const auto rejected = j.find("rejected");
  if (rejected != j.end() && rejected->is_array()) {
    for (const auto& r : *rejected) {
      const json* index = &r;
      if (r.is_object()) {
        const auto it = r.find("index");
        if (it == r.end()) continue;
        index = &*it;
      }
      if (!index->is_number_integer()) continue;
      const auto k = index->get<std::int64_t>();
      if (k >= 0 && static_cast<std::uint64_t>(k) < batch_size) v.rejected[static_cast<std::size_t>(k)] = true;
    }
    return v;
  }
  const auto success = j.find("success");
  if (success != j.end() && success->is_boolean() && !success->get<bool>()) v.all_rejected = true;
  return v;
}

}  // namespace clik
