#include <catch2/catch.hpp>

#include <string>

#include "clik/json_reader.hpp"

using clik::JsonDocument;
using clik::JsonKind;
using clik::RealAsInteger;

namespace {

bool valid(const std::string& text) { return JsonDocument(text).error() == nullptr; }

JsonKind kind_of(const std::string& text) { return JsonDocument(text).root().kind(); }

std::string string_of(const std::string& text) {
  const JsonDocument doc(text);
  REQUIRE(doc.root().is_string());
  return std::string(doc.root().string());
}

RealAsInteger real_of(const std::string& text, std::int64_t& out) {
  const JsonDocument doc(text);
  REQUIRE(doc.root().kind() == JsonKind::Real);
  return doc.root().real_as_integer(out);
}

}  // namespace

TEST_CASE("json reader: structure, whitespace and trailing text", "[json]") {
  for (const char* ok : {"{}", "[]", " \t\r\n{ \"a\" : [ 1 , 2 ] }\n", "null", "true", "false", "0", "\"\"",
                         "\xEF\xBB\xBF{}", "[[],{},[{}]]"})
    CHECK(valid(ok));
  for (const char* bad : {"", " ", "{", "[", "]", "{}}", "{} x", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\"}",
                          "{a:1}", "{'a':1}", "[1 2]", "tru", "nul", "True", "/*c*/{}", "{}//", "\xEF\xBB{}",
                          " \xEF\xBB\xBF{}", "\v{}", "{}\f"})
    CHECK_FALSE(valid(bad));
  CHECK_FALSE(valid(std::string("[1]\0", 4)));
}

TEST_CASE("json reader: depth limit", "[json]") {
  const auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  CHECK(valid(nested(clik::kJsonMaxDepth)));
  const JsonDocument deep(nested(clik::kJsonMaxDepth + 1));
  CHECK(deep.error() == std::string("JSON nested deeper than 64 levels"));
  CHECK(deep.depth_exceeded());
  CHECK_FALSE(deep.root().exists());
  CHECK_FALSE(JsonDocument("[1,").depth_exceeded());
}

TEST_CASE("json reader: numbers", "[json]") {
  for (const char* bad : {"01", "-01", "00", "+1", "-", "1.", ".5", "1e", "1e+", "1.e5", "0x10", "1_0", "-a",
                          "Infinity", "NaN", "1e309", "-1e309", "1e400", "2e308"})
    CHECK_FALSE(valid(bad));
  CHECK(kind_of("0") == JsonKind::Integer);
  CHECK(kind_of("-0") == JsonKind::Integer);
  CHECK(kind_of("-9223372036854775808") == JsonKind::Integer);
  CHECK(kind_of("9223372036854775807") == JsonKind::Integer);
  CHECK(kind_of("9223372036854775808") == JsonKind::BigUnsigned);
  CHECK(kind_of("18446744073709551615") == JsonKind::BigUnsigned);
  CHECK(kind_of("18446744073709551616") == JsonKind::Real);
  CHECK(kind_of("-9223372036854775809") == JsonKind::Real);
  CHECK(kind_of("1.0") == JsonKind::Real);
  CHECK(kind_of("1e0") == JsonKind::Real);
  CHECK(JsonDocument("-9223372036854775808").root().integer() == INT64_MIN);
  CHECK(JsonDocument("18446744073709551615").root().big_unsigned() == UINT64_MAX);
  // The largest finite double's neighbourhood: just below the rounding boundary is finite.
  CHECK(valid("1.7976931348623157e308"));
  CHECK(valid("1.79769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791e308"));
  CHECK_FALSE(valid("1.797693134862315807937289714053034150799341327100378269361737789804449682927647509466490179775872070963302864166928879109465555478519404026306574886715058206819089020007083836762738548458177115317644757302700698555713669596228429148198608349364752927190741684443655107043427115596995080930428801779041744977920e308"));
  CHECK(valid("1e-400"));
  CHECK(valid("1e-99999999999999999999"));
  CHECK_FALSE(valid("1e99999999999999999999"));
  CHECK(valid("0e99999999999999999999"));
}

TEST_CASE("json reader: reals as integers", "[json]") {
  std::int64_t n = -1;
  CHECK(real_of("20000.0", n) == RealAsInteger::Exact);
  CHECK(n == 20000);
  CHECK(real_of("2e4", n) == RealAsInteger::Exact);
  CHECK(n == 20000);
  CHECK(real_of("0.02E+6", n) == RealAsInteger::Exact);
  CHECK(n == 20000);
  CHECK(real_of("-1.55e1", n) == RealAsInteger::Fractional);
  CHECK(real_of("-1.50e1", n) == RealAsInteger::Exact);
  CHECK(n == -15);
  CHECK(real_of("-1.50e2", n) == RealAsInteger::Exact);
  CHECK(n == -150);
  CHECK(real_of("2.5", n) == RealAsInteger::Fractional);
  CHECK(real_of("0.0", n) == RealAsInteger::Exact);
  CHECK(n == 0);
  CHECK(real_of("-0.0e7", n) == RealAsInteger::Exact);
  CHECK(n == 0);
  CHECK(real_of("1e-400", n) == RealAsInteger::Exact);  // a double rounds it to 0
  CHECK(n == 0);
  CHECK(real_of("2.4e-324", n) == RealAsInteger::Exact);  // below half the smallest subnormal
  CHECK(real_of("2.5e-324", n) == RealAsInteger::Fractional);
  CHECK(real_of("1e-5", n) == RealAsInteger::Fractional);
  CHECK(real_of("9.223372036854775807e18", n) == RealAsInteger::Exact);
  CHECK(n == INT64_MAX);
  CHECK(real_of("9.223372036854775808e18", n) == RealAsInteger::OutOfRange);
  CHECK(real_of("-9.223372036854775808e18", n) == RealAsInteger::Exact);
  CHECK(n == INT64_MIN);
  CHECK(real_of("1e300", n) == RealAsInteger::OutOfRange);
  CHECK(real_of("18446744073709551616", n) == RealAsInteger::OutOfRange);
  CHECK(JsonDocument("1.0").root().number_equals(1));
  CHECK(JsonDocument("1").root().number_equals(1));
  CHECK(JsonDocument("10e-1").root().number_equals(1));
  CHECK_FALSE(JsonDocument("1.01").root().number_equals(1));
  CHECK_FALSE(JsonDocument("\"1\"").root().number_equals(1));
  CHECK_FALSE(JsonDocument("true").root().number_equals(1));
}

TEST_CASE("json reader: strings, escapes and UTF-8", "[json]") {
  CHECK(string_of(R"("a\"b\\c\/d\b\f\n\r\t")") == "a\"b\\c/d\b\f\n\r\t");
  CHECK(string_of(R"("\u0041\u00e9\u20AC")") == "A\xC3\xA9\xE2\x82\xAC");
  CHECK(string_of(R"("\ud83d\ude00")") == "\xF0\x9F\x98\x80");
  CHECK(string_of(R"("\uDBFF\uDFFF")") == "\xF4\x8F\xBF\xBF");
  CHECK(string_of(R"("\u0000")") == std::string(1, '\0'));
  CHECK(string_of("\"\xC3\xA9\xF0\x9F\x98\x80\x7F\"") == "\xC3\xA9\xF0\x9F\x98\x80\x7F");
  for (const char* bad : {R"("\x")", R"("\u12")", R"("\u12G4")", R"("\')", R"("\a")", "\"abc", "\"\\",
                          R"("\ud83d")", R"("\ud83dx")", R"("\ud83d\u0041")", R"("\ud83d\ud83d")", R"("\ude00")",
                          R"("\ude00\ud83d")", "\"\x01\"", "\"\x1f\"", "\"\t\"", "\"\n\"",
                          "\"\xC0\x80\"", "\"\xED\xA0\x80\"", "\"\xF4\x90\x80\x80\"", "\"\x80\"", "\"\xC3\"",
                          "\"\xE2\x82\"", "\"\xFF\""})
    CHECK_FALSE(valid(bad));
}

TEST_CASE("json reader: objects, arrays and lookups", "[json]") {
  const JsonDocument doc(R"({"b":1,"a":[true,false,null,"x",{"k":2}],"b":"last","":0})");
  REQUIRE(doc.error() == nullptr);
  const auto root = doc.root();
  CHECK(root.size() == 4);  // members as written, duplicates included
  CHECK(root.find("b").string() == "last");  // the last duplicate, as nlohmann keeps it
  CHECK(root.find("").integer() == 0);
  CHECK_FALSE(root.find("c").exists());
  CHECK_FALSE(root.find("a").find("k").exists());  // find on a non-object
  const auto a = root.find("a");
  REQUIRE(a.is_array());
  CHECK(a.size() == 5);
  std::string kinds;
  for (const auto v : a) kinds += std::to_string(static_cast<int>(v.kind()));
  CHECK(kinds == "32179");
  std::string keys;
  for (const auto m : root.members_by_key()) keys += "<" + std::string(m.key()) + ">";
  CHECK(keys == "<><a><b>");
  CHECK(root.members_by_key()[2].string() == "last");
  CHECK(JsonDocument(R"({"\u0062":1,"b":2})").root().find("b").integer() == 2);  // keys compare decoded
}

TEST_CASE("json reader: members_by_key sorts many members and keeps each key's last", "[json]") {
  std::string text = "{";
  for (int i = 0; i < 200; ++i) {  // keys k000..k099 twice, in a scrambled order
    const int k = (i * 37) % 100;
    text += (i ? ",\"k" : "\"k") + std::to_string(k / 100) + std::to_string(k / 10 % 10) + std::to_string(k % 10) +
            "\":" + std::to_string(i);
  }
  text += "}";
  const JsonDocument doc(text);
  REQUIRE(doc.error() == nullptr);
  const auto members = doc.root().members_by_key();
  REQUIRE(members.size() == 100);
  for (int k = 0; k < 100; ++k) {
    INFO(k);
    CHECK(members[k].key() == "k" + std::to_string(k / 100) + std::to_string(k / 10 % 10) + std::to_string(k % 10));
    CHECK(members[k].integer() == doc.root().find(members[k].key()).integer());
    CHECK(members[k].integer() >= 100);  // the second occurrence
  }
}
