#include "clik/click_rules.hpp"

namespace clik {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

std::string_view click_category(const std::vector<ClickRule>& configured, std::string_view target) {
  for (const auto& r : configured) {
    if (r.exact ? target == r.pattern : starts_with(target, r.pattern)) return r.category;
  }
  if (starts_with(target, "contact.")) return "contact";
  if (starts_with(target, "socialMessaging.")) return "messaging";
  if (starts_with(target, "socialChannels.")) return "social";
  if (starts_with(target, "portfolio.")) return "portfolio";
  if (target == "aiAgent") return "aiAgent";
  return "other";
}

}  // namespace clik
