// The seed's session rule: one session per userCode+shareCode, renewed after
// sessionTimeoutMs of inactivity, id "session_<ms>_<9 base-36 chars>".
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>
#include "clik/random.hpp"

namespace clik {

class SessionTable {
 public:
  // Returns the session id for the card, creating or renewing it, and marks it seen at now_ms.
  const std::string& touch(std::string_view user_code, std::string_view share_code,
                           std::int64_t now_ms, std::int64_t timeout_ms, Random& rng);

  std::string serialize() const;
  // Changes whenever a session id is created, renewed or loaded: what a reload
  // must see at once. Advancing a last-seen time does not change it.
  std::uint32_t revision() const { return revision_; }
  // Merges serialized state (newer lastSeen wins). Returns entries loaded or -1 when
  // the input is not session state; `bad_entries` counts skipped malformed entries.
  int merge(std::string_view state, int& bad_entries);

  static constexpr std::size_t kMaxEntries = 32;

 private:
  struct Entry {
    std::string user_code, share_code, session_id;
    std::int64_t last_seen = 0;
  };
  Entry* find(std::string_view user_code, std::string_view share_code);
  Entry& insert(Entry e);
  std::vector<Entry> entries_;
  std::uint32_t revision_ = 0;
};

}  // namespace clik
