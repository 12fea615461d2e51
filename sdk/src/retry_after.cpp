#include "clik/retry_after.hpp"

#include <vector>

namespace clik {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::int64_t to_int(std::string_view s) {
  std::int64_t v = 0;
  for (char c : s) {
    v = v * 10 + (c - '0');
    if (v > 100000000000LL) return v;  // beyond any sane delay; callers cap it
  }
  return v;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int month_index(std::string_view s) {
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() != 3) return -1;
  for (int i = 0; i < 12; ++i)
    if (s == kMonths[i]) return i + 1;
  return -1;
}

bool is_weekday(std::string_view s) {
  static const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  if (s.size() < 3) return false;
  for (const char* d : kDays)
    if (s.substr(0, 3) == d) return true;
  return false;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool parse_clock(std::string_view s, int& h, int& mi, int& se) {
  if (s.size() != 8 || s[2] != ':' || s[5] != ':') return false;
  if (!all_digits(s.substr(0, 2)) || !all_digits(s.substr(3, 2)) || !all_digits(s.substr(6, 2))) return false;
  h = static_cast<int>(to_int(s.substr(0, 2)));
  mi = static_cast<int>(to_int(s.substr(3, 2)));
  se = static_cast<int>(to_int(s.substr(6, 2)));
  return h < 24 && mi < 60 && se <= 60;
}

}  // namespace

std::optional<std::int64_t> parse_http_date(std::string_view value) {
  std::vector<std::string_view> tok;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= value.size(); ++i) {
    if (i == value.size() || value[i] == ' ' || value[i] == ',' || value[i] == '-') {
      if (i > start) tok.push_back(value.substr(start, i - start));
      start = i + 1;
    }
  }
  if (tok.size() > 6) return std::nullopt;
  std::size_t k = 0;
  if (k < tok.size() && is_weekday(tok[k])) ++k;
  std::string_view day, month, year, clock;
  if (k + 4 <= tok.size() && month_index(tok[k]) > 0) {  // asctime: Nov 6 08:49:37 1994
    month = tok[k]; day = tok[k + 1]; clock = tok[k + 2]; year = tok[k + 3];
    k += 4;
  } else if (k + 4 <= tok.size()) {  // IMF-fixdate / RFC 850: 06 Nov 1994 08:49:37 GMT
    day = tok[k]; month = tok[k + 1]; year = tok[k + 2]; clock = tok[k + 3];
    k += 4;
    if (k >= tok.size() || tok[k] != "GMT") return std::nullopt;
    ++k;
  } else {
    return std::nullopt;
  }
  if (k != tok.size()) return std::nullopt;
  const int m = month_index(month);
  if (m < 0 || !all_digits(day) || day.size() > 2 || !all_digits(year)) return std::nullopt;
  std::int64_t y = to_int(year);
  if (year.size() == 2) y += y >= 70 ? 1900 : 2000;  // RFC 9110: two-digit years
  else if (year.size() != 4) return std::nullopt;
  const std::int64_t d = to_int(day);
  int h = 0, mi = 0, se = 0;
  if (d < 1 || d > 31 || !parse_clock(clock, h, mi, se)) return std::nullopt;
  const std::int64_t days = days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi) * 60000 + se * 1000LL;
}

std::optional<std::int64_t> parse_retry_after(std::string_view value, std::int64_t now_ms) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (all_digits(value)) {
    const std::int64_t secs = to_int(value);
    return secs > 100000000LL ? 100000000000LL : secs * 1000;
  }
  const auto at = parse_http_date(value);
  if (!at) return std::nullopt;
  return *at > now_ms ? *at - now_ms : 0;
}

}  // namespace clik
