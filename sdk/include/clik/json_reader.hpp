// Strict RFC 8259 reader for the few JSON documents the core parses (config,
// the server's verdict, session state, snapshots). It replaces nlohmann::json
// in the shipped module: the core only reads integers, strings and structure,
// so numbers are never converted through strtod (whose long-double helpers
// cost more code than this whole reader).
//
// Accepts exactly what nlohmann::json::parse(text, nullptr, false) accepts
// (a leading UTF-8 BOM, no comments, RFC 3629 UTF-8 in strings, paired
// surrogate escapes only, numbers that overflow a double refused), except
// that containers nested deeper than kJsonMaxDepth are refused, and so is a
// NUL byte outside strings (nlohmann took it for the end of the text and
// ignored what followed it). Object lookups see
// the last of duplicate keys, as nlohmann does; the fuzzer checks both agree.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace clik {

constexpr int kJsonMaxDepth = 64;

enum class JsonKind : std::uint8_t {
  Missing,      // a lookup that found nothing
  Null,
  False,
  True,
  Integer,      // integer syntax within int64
  BigUnsigned,  // integer syntax in (INT64_MAX, UINT64_MAX]
  Real,         // fraction or exponent, or an integer beyond 64 bits
  String,
  Array,
  Object,
};

// What a Real number is when an integer is expected.
enum class RealAsInteger : std::uint8_t { Exact, Fractional, OutOfRange };

class JsonDocument;

// A handle to one value of a JsonDocument; valid while the document lives.
class JsonValue {
 public:
  JsonKind kind() const;
  bool exists() const { return kind() != JsonKind::Missing; }
  bool is_string() const { return kind() == JsonKind::String; }
  bool is_array() const { return kind() == JsonKind::Array; }
  bool is_object() const { return kind() == JsonKind::Object; }
  // Integer or BigUnsigned: what nlohmann calls is_number_integer().
  bool is_integer_syntax() const { return kind() == JsonKind::Integer || kind() == JsonKind::BigUnsigned; }

  std::string_view string() const;       // String: the decoded UTF-8 bytes
  std::int64_t integer() const;          // Integer
  std::uint64_t big_unsigned() const;    // BigUnsigned
  // Real: whether its exact decimal value is an int64 integer. Values that
  // round to a 0.0 double (1e-400) count as 0, as they did under nlohmann;
  // other non-integers stay Fractional even past the 15-17 digits a double
  // holds (1.0000000000000001 is not 1 here, nlohmann rounded it to 1).
  RealAsInteger real_as_integer(std::int64_t& out) const;
  // True when the value is a number equal to `n` (1, 1.0 and 1e0 all equal 1).
  bool number_equals(std::int64_t n) const;

  std::string_view key() const;          // the member name, for members of an object
  std::size_t size() const;              // elements of an Array, members of an Object
  JsonValue find(std::string_view key) const;  // last member named `key`, or Missing

  class Iterator {
   public:
    JsonValue operator*() const { return JsonValue(doc_, index_); }
    Iterator& operator++();
    bool operator!=(const Iterator& o) const { return index_ != o.index_; }

   private:
    friend class JsonValue;
    Iterator(const JsonDocument* doc, std::uint32_t index) : doc_(doc), index_(index) {}
    const JsonDocument* doc_;
    std::uint32_t index_;
  };
  // Elements of an Array or members of an Object, in document order.
  Iterator begin() const;
  Iterator end() const;

  // Members of an Object as nlohmann's std::map holds them: ordered by key,
  // one per key (the last). The core's config errors depend on that order.
  std::vector<JsonValue> members_by_key() const;

 private:
  friend class JsonDocument;
  JsonValue(const JsonDocument* doc, std::uint32_t index) : doc_(doc), index_(index) {}
  const JsonDocument* doc_;
  std::uint32_t index_;  // kMissing for a failed lookup
};

class JsonDocument {
 public:
  // Parses `text` completely. On failure error() is non-null and root() is Missing.
  explicit JsonDocument(std::string_view text);

  const char* error() const { return error_; }  // nullptr when the text is valid JSON
  bool depth_exceeded() const { return depth_exceeded_; }
  JsonValue root() const;

 private:
  friend class JsonValue;
  friend class JsonParser;
  struct Node {
    JsonKind kind;
    std::uint32_t end = 0;     // one past the last node of this value's subtree
    std::uint32_t count = 0;   // elements or members
    std::uint32_t key_pos = 0, key_len = 0;  // member name, in bytes_
    std::uint32_t pos = 0, len = 0;          // String bytes or Real token, in bytes_
    std::int64_t integer = 0;  // Integer; BigUnsigned keeps the uint64 bits
  };
  std::vector<Node> nodes_;  // preorder: a container's children follow it
  std::string bytes_;        // decoded strings, member names and Real tokens
  const char* error_ = nullptr;
  bool depth_exceeded_ = false;
};

}  // namespace clik
