// Click target -> category, the seed's prefix rules plus configured ones.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace clik {

struct ClickRule {
  bool exact = false;    // exact match instead of prefix
  std::string pattern;
  std::string category;
};

// Configured rules are tried first (in order), then the seed's built-ins:
// contact. -> contact, socialMessaging. -> messaging, socialChannels. -> social,
// portfolio. -> portfolio, aiAgent (exact) -> aiAgent, anything else -> other.
std::string_view click_category(const std::vector<ClickRule>& configured, std::string_view target);

}  // namespace clik
