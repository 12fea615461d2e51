#include "clik/json_reader.hpp"

#include <algorithm>
#include <limits>

#include "clik/stable_order.hpp"
#include "clik/utf8.hpp"

namespace clik {
namespace {

constexpr std::uint32_t kMissing = std::numeric_limits<std::uint32_t>::max();

// 2^1024 - 2^970: the smallest decimal that rounds to infinity as a double.
// nlohmann refuses such numbers ("number overflow"), so the reader must too.
constexpr std::string_view kDoubleOverflow =
    "17976931348623158079372897140530341507993413271003782693617377898044496829276475094664901797758"
    "72070963302864166928879109465555478519404026306574886715058206819089020007083836762738548458177"
    "11531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508"
    "093042880177904174497792";
constexpr int kDoubleOverflowPoint = 309;  // kDoubleOverflow is 0.<digits> * 10^309
// At most 2^-1075 (half the smallest subnormal) a decimal rounds to 0.0, which
// nlohmann then sees as an integer. Its first 60 digits: a decimal equal to
// them for longer is misjudged as non-zero, which no config value will be.
constexpr std::string_view kDoubleZeroPrefix = "247032822920623272088284396434110686182529901307162382212792";
constexpr int kDoubleZeroPoint = -323;  // 2^-1075 is 0.<digits> * 10^-323
// Exponents are saturated: anything beyond is zero or an overflow anyway.
constexpr std::int64_t kExponentCap = 1000000000;

// A validated number token as significant digits D and a point P: 0.D * 10^P.
struct Decimal {
  bool negative = false;
  std::string_view mantissa;  // the token's digits and '.', exponent stripped
  std::size_t first = 0;      // index in mantissa of D's first digit
  std::size_t digits = 0;     // length of D (0: the value is zero)
  std::int64_t point = 0;

  char digit(std::size_t k) const {  // k-th digit of D, skipping the '.'
    std::size_t at = first;
    for (std::size_t seen = 0;; ++at)
      if (mantissa[at] != '.' && seen++ == k) return mantissa[at];
  }
};

Decimal decompose(std::string_view token) {
  Decimal d;
  if (token[0] == '-') {
    d.negative = true;
    token.remove_prefix(1);
  }
  const std::size_t e = token.find_first_of("eE");
  std::int64_t exponent = 0;
  if (e != std::string_view::npos) {
    std::size_t i = e + 1;
    const bool negative_exponent = token[i] == '-';
    if (token[i] == '-' || token[i] == '+') ++i;
    for (; i < token.size(); ++i) exponent = std::min(kExponentCap, exponent * 10 + (token[i] - '0'));
    if (negative_exponent) exponent = -exponent;
    token = token.substr(0, e);
  }
  d.mantissa = token;
  const std::size_t dot = token.find('.');
  const std::size_t int_digits = dot == std::string_view::npos ? token.size() : dot;
  std::size_t i = 0;  // the first significant digit
  while (i < token.size() && (token[i] == '0' || token[i] == '.')) ++i;
  if (i == token.size()) return d;  // zero
  std::size_t last = token.size();  // one past the last significant digit
  while (token[last - 1] == '0' || token[last - 1] == '.') --last;
  d.first = i;
  d.digits = last - i - (dot != std::string_view::npos && dot > i && dot < last ? 1 : 0);
  d.point = (i < int_digits ? static_cast<std::int64_t>(int_digits - i) : -static_cast<std::int64_t>(i - dot - 1)) + exponent;
  return d;
}

// Compares 0.D with 0.<bound> (neither has trailing zeros): <0, 0 or >0.
int compare_digits(const Decimal& d, std::string_view bound) {
  for (std::size_t k = 0; k < d.digits && k < bound.size(); ++k)
    if (d.digit(k) != bound[k]) return d.digit(k) < bound[k] ? -1 : 1;
  return d.digits < bound.size() ? -1 : d.digits > bound.size() ? 1 : 0;
}

bool overflows_double(const Decimal& d) {
  if (d.digits == 0 || d.point != kDoubleOverflowPoint) return d.digits != 0 && d.point > kDoubleOverflowPoint;
  return compare_digits(d, kDoubleOverflow) >= 0;
}

bool rounds_to_zero(const Decimal& d) {
  if (d.digits == 0 || d.point != kDoubleZeroPoint) return d.digits == 0 || d.point < kDoubleZeroPoint;
  return compare_digits(d, kDoubleZeroPrefix) <= 0;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

// Recursive descent over the text; depth is bounded by kJsonMaxDepth.
class JsonParser {
 public:
  JsonParser(std::string_view text, JsonDocument& doc) : text_(text), doc_(doc) {}

  bool parse() {
    if (text_.size() >= kMissing / 2) return fail("JSON text too large");
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    if (!value(0)) return false;
    skip_whitespace();
    if (pos_ != text_.size()) return fail("unexpected text after the JSON value");
    return true;
  }

 private:
  using Node = JsonDocument::Node;

  bool fail(const char* why) {
    if (!doc_.error_) doc_.error_ = why;
    return false;
  }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  void skip_whitespace() {
    while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }
  bool literal(std::string_view word, JsonKind kind) {
    if (text_.substr(pos_, word.size()) != word) return fail("invalid literal");
    pos_ += word.size();
    doc_.nodes_.back().kind = kind;
    return true;
  }

  bool value(int depth) {
    skip_whitespace();
    doc_.nodes_.push_back(Node{JsonKind::Null});
    const std::size_t self = doc_.nodes_.size() - 1;
    bool ok;
    switch (peek()) {
      case '{': case '[':
        if (depth >= kJsonMaxDepth) {
          doc_.depth_exceeded_ = true;
          return fail("JSON nested deeper than 64 levels");
        }
        ok = container(self, depth + 1);
        break;
      case '"': {
        const std::size_t start = doc_.bytes_.size();
        ok = string();
        doc_.nodes_[self].kind = JsonKind::String;
        doc_.nodes_[self].pos = static_cast<std::uint32_t>(start);
        doc_.nodes_[self].len = static_cast<std::uint32_t>(doc_.bytes_.size() - start);
        break;
      }
      case 't': ok = literal("true", JsonKind::True); break;
      case 'f': ok = literal("false", JsonKind::False); break;
      case 'n': ok = literal("null", JsonKind::Null); break;
      default: ok = number(self);
    }
    doc_.nodes_[self].end = static_cast<std::uint32_t>(doc_.nodes_.size());
    return ok;
  }

  bool container(std::size_t self, int depth) {
    const bool is_object = text_[pos_++] == '{';
    const char close = is_object ? '}' : ']';
    doc_.nodes_[self].kind = is_object ? JsonKind::Object : JsonKind::Array;
    skip_whitespace();
    if (peek() == close) {
      ++pos_;
      return true;
    }
    for (std::uint32_t count = 1;; ++count) {
      std::size_t key_pos = 0, key_len = 0;
      if (is_object) {
        skip_whitespace();
        if (peek() != '"') return fail("expected a member name");
        key_pos = doc_.bytes_.size();
        if (!string()) return false;
        key_len = doc_.bytes_.size() - key_pos;
        skip_whitespace();
        if (peek() != ':') return fail("expected ':' after a member name");
        ++pos_;
      }
      const std::size_t child = doc_.nodes_.size();
      if (!value(depth)) return false;
      doc_.nodes_[child].key_pos = static_cast<std::uint32_t>(key_pos);
      doc_.nodes_[child].key_len = static_cast<std::uint32_t>(key_len);
      doc_.nodes_[self].count = count;
      skip_whitespace();
      const char c = peek();
      ++pos_;
      if (c == close) return true;
      if (c != ',') return fail(is_object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
  }

  int hex4() {  // -1 when the next four characters are not hex digits
    if (text_.size() - pos_ < 4) return -1;
    int v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text_[pos_++];
      const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    return v;
  }

  bool escape() {  // pos_ is after the backslash
    if (at_end()) return fail("unterminated string");
    const char c = text_[pos_++];
    static constexpr std::string_view kFrom = "\"\\/bfnrt", kTo = "\"\\/\b\f\n\r\t";
    const std::size_t simple = kFrom.find(c);
    if (simple != std::string_view::npos) {
      doc_.bytes_.push_back(kTo[simple]);
      return true;
    }
    if (c != 'u') return fail("invalid escape in string");
    int cp = hex4();
    if (cp < 0) return fail("invalid \\u escape");
    if (cp >= 0xDC00 && cp <= 0xDFFF) return fail("lone low surrogate escape");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (text_.substr(pos_, 2) != "\\u") return fail("high surrogate escape without its low half");
      pos_ += 2;
      const int low = hex4();
      if (low < 0xDC00 || low > 0xDFFF) return fail("high surrogate escape without its low half");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(doc_.bytes_, static_cast<std::uint32_t>(cp));
    return true;
  }

  bool string() {  // appends the decoded bytes to bytes_; pos_ is at the opening quote
    ++pos_;
    std::size_t run = pos_;  // start of the pending run of literal bytes
    auto flush = [&] {
      const std::string_view bytes = text_.substr(run, pos_ - run);
      if (!is_valid_utf8(bytes)) return fail("invalid UTF-8 in string");
      doc_.bytes_.append(bytes.data(), bytes.size());
      return true;
    };
    for (;;) {
      if (at_end()) return fail("unterminated string");
      const unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') break;
      if (c < 0x20) return fail("control character in string");
      if (c == '\\') {
        if (!flush()) return false;
        ++pos_;
        if (!escape()) return false;
        run = pos_;
        continue;
      }
      ++pos_;
    }
    if (!flush()) return false;
    ++pos_;
    return true;
  }

  bool digits() {  // one or more
    const std::size_t start = pos_;
    while (!at_end() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  bool number(std::size_t self) {
    const std::size_t start = pos_;
    const bool negative = peek() == '-';
    if (negative) ++pos_;
    if (peek() == '0') ++pos_;
    else if (!digits()) return fail(negative ? "expected digits after '-'" : "invalid value");
    bool real = false;
    if (peek() == '.') {
      ++pos_;
      if (!digits()) return fail("expected digits after '.'");
      real = true;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!digits()) return fail("expected digits in the exponent");
      real = true;
    }
    const std::string_view token = text_.substr(start, pos_ - start);
    Node& n = doc_.nodes_[self];
    if (!real) {  // as nlohmann: int64, else uint64, else a double
      std::uint64_t magnitude = 0;
      bool fits = true;
      for (std::size_t i = negative ? 1 : 0; i < token.size() && fits; ++i) {
        const unsigned d = static_cast<unsigned>(token[i] - '0');
        fits = magnitude <= (std::numeric_limits<std::uint64_t>::max() - d) / 10;
        magnitude = magnitude * 10 + d;
      }
      constexpr std::uint64_t kInt64Max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
      if (fits && (negative ? magnitude <= kInt64Max + 1 : magnitude <= kInt64Max)) {
        n.kind = JsonKind::Integer;
        n.integer = negative ? static_cast<std::int64_t>(0 - magnitude) : static_cast<std::int64_t>(magnitude);
        return true;
      }
      if (fits && !negative) {
        n.kind = JsonKind::BigUnsigned;
        n.integer = static_cast<std::int64_t>(magnitude);
        return true;
      }
    }
    if (overflows_double(decompose(token))) return fail("number overflows a double");
    n.kind = JsonKind::Real;
    n.pos = static_cast<std::uint32_t>(doc_.bytes_.size());
    n.len = static_cast<std::uint32_t>(token.size());
    doc_.bytes_.append(token.data(), token.size());
    return true;
  }

  std::string_view text_;
  JsonDocument& doc_;
  std::size_t pos_ = 0;
};

JsonDocument::JsonDocument(std::string_view text) {
  if (!JsonParser(text, *this).parse()) nodes_.clear();
}

JsonValue JsonDocument::root() const { return JsonValue(this, nodes_.empty() ? kMissing : 0); }

JsonKind JsonValue::kind() const { return index_ == kMissing ? JsonKind::Missing : doc_->nodes_[index_].kind; }

std::string_view JsonValue::string() const {
  const auto& n = doc_->nodes_[index_];
  return std::string_view(doc_->bytes_).substr(n.pos, n.len);
}

std::int64_t JsonValue::integer() const { return doc_->nodes_[index_].integer; }

std::uint64_t JsonValue::big_unsigned() const { return static_cast<std::uint64_t>(doc_->nodes_[index_].integer); }

RealAsInteger JsonValue::real_as_integer(std::int64_t& out) const {
  const Decimal d = decompose(string());
  out = 0;
  if (rounds_to_zero(d)) return RealAsInteger::Exact;
  if (d.point < static_cast<std::int64_t>(d.digits)) return RealAsInteger::Fractional;
  if (d.point > 19) return RealAsInteger::OutOfRange;
  std::uint64_t magnitude = 0;  // at most 19 digits: fits
  for (std::int64_t k = 0; k < d.point; ++k)
    magnitude = magnitude * 10 + static_cast<unsigned>(k < static_cast<std::int64_t>(d.digits) ? d.digit(static_cast<std::size_t>(k)) - '0' : 0);
  constexpr std::uint64_t kInt64Max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (magnitude > kInt64Max + (d.negative ? 1 : 0)) return RealAsInteger::OutOfRange;
  out = d.negative ? static_cast<std::int64_t>(0 - magnitude) : static_cast<std::int64_t>(magnitude);
  return RealAsInteger::Exact;
}

bool JsonValue::number_equals(std::int64_t n) const {
  std::int64_t v = 0;
  switch (kind()) {
    case JsonKind::Integer: return integer() == n;
    case JsonKind::BigUnsigned: return false;  // n is an int64
    case JsonKind::Real: return real_as_integer(v) == RealAsInteger::Exact && v == n;
    default: return false;
  }
}

std::string_view JsonValue::key() const {
  const auto& n = doc_->nodes_[index_];
  return std::string_view(doc_->bytes_).substr(n.key_pos, n.key_len);
}

std::size_t JsonValue::size() const { return doc_->nodes_[index_].count; }

JsonValue JsonValue::find(std::string_view name) const {
  JsonValue found(doc_, kMissing);
  if (!is_object()) return found;
  for (const JsonValue member : *this)
    if (member.key() == name) found = member;
  return found;
}

JsonValue::Iterator& JsonValue::Iterator::operator++() {
  index_ = doc_->nodes_[index_].end;
  return *this;
}

JsonValue::Iterator JsonValue::begin() const { return Iterator(doc_, index_ + 1); }

JsonValue::Iterator JsonValue::end() const { return Iterator(doc_, doc_->nodes_[index_].end); }

std::vector<JsonValue> JsonValue::members_by_key() const {
  std::vector<JsonValue> members(size(), *this);
  std::size_t n = 0;
  for (const JsonValue member : *this) members[n++] = member;
  const auto by_key = stable_order(n, [&](std::uint32_t a, std::uint32_t b) { return members[a].key() < members[b].key(); });
  std::vector<JsonValue> unique;  // the last of each run of equal keys
  unique.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    if (i + 1 == n || members[by_key[i + 1]].key() != members[by_key[i]].key()) unique.push_back(members[by_key[i]]);
  return unique;
}

}  // namespace clik
