#include "clik/server_verdict.hpp"

#include "clik/json_reader.hpp"

namespace clik {

ServerVerdict parse_server_verdict(std::string_view body, std::size_t batch_size) {
  ServerVerdict v;
  v.rejected.assign(batch_size, 0);
  // Only an object can carry a verdict; skip the parser for anything else.
  std::size_t i = 0;
  while (i < body.size() && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t')) ++i;
  if (i == body.size() || body[i] != '{') return v;
  const JsonDocument doc(body);
  const JsonValue j = doc.root();
  if (!j.is_object()) return v;
  const JsonValue rejected = j.find("rejected");
  if (rejected.is_array()) {
    for (const JsonValue r : rejected) {
      const JsonValue index = r.is_object() ? r.find("index") : r;
      // Indexes beyond int64 (BigUnsigned) name no event of the batch either.
      if (index.kind() != JsonKind::Integer) continue;
      const std::int64_t k = index.integer();
      if (k >= 0 && static_cast<std::uint64_t>(k) < batch_size) v.rejected[static_cast<std::size_t>(k)] = 1;
    }
    return v;
  }
  if (j.find("success").kind() == JsonKind::False) v.all_rejected = true;
  return v;
}

}  // namespace clik
