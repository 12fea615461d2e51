#include "clik/stats.hpp"

#include "clik/json_writer.hpp"

namespace clik {
namespace {

void put(std::string& out, const char* key, std::uint64_t v, bool comma = true) {
  if (comma) out.push_back(',');
  out.push_back('"');
  out.append(key);
  out.append("\":");
  append_json_int(out, static_cast<std::int64_t>(v));
}

}  // namespace

std::string Stats::to_json(std::uint64_t queued, std::uint64_t in_flight) const {
  std::string out = "{";
  put(out, "queued", queued, false);
  put(out, "inFlight", in_flight);
  put(out, "tracked", tracked);
  put(out, "delivered", delivered);
  put(out, "retries", retries);
  put(out, "truncated", truncated);
  put(out, "restoreErrors", restore_errors);
  put(out, "invalidCalls", invalid_calls);
  out.append(",\"dropped\":{");
  put(out, "queue_overflow", dropped_by(DropReason::QueueOverflow), false);
  put(out, "rejected_by_server", dropped_by(DropReason::RejectedByServer));
  put(out, "permanent_failure", dropped_by(DropReason::PermanentFailure));
  put(out, "retries_exhausted", dropped_by(DropReason::RetriesExhausted));
  put(out, "expired", dropped_by(DropReason::Expired));
  put(out, "opt_out", dropped_by(DropReason::OptOut));
  put(out, "oversize", dropped_by(DropReason::Oversize));
  out.append("}}");
  return out;
}

}  // namespace clik
