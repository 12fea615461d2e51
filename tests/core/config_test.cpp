#include <catch2/catch.hpp>

#include "support.hpp"

using namespace clik::test;

TEST_CASE("configure accepts every documented key", "[config]") {
  clik::Core c;
  CHECK(c.configure(R"({"maxBatchEvents":20,"flushIntervalMs":10000,"maxBatchBytes":49152,
    "urgentRequestBytes":16384,"urgentTotalBytes":61440,"maxQueueEvents":1000,"maxStringBytes":512,
    "sessionTimeoutMs":1800000,"retryBaseMs":1000,"retryCapMs":60000,"retryAfterCapMs":300000,
    "maxAttempts":10,"requestTimeoutMs":15000,"maxEventAgeMs":518400000,
    "clickRules":[{"prefix":"booking.","category":"booking"}]})") == "");
  CHECK(c.request_timeout_ms() == 15000);
}

TEST_CASE("bad configuration is an error message and changes nothing", "[config]") {
  clik::Core c;
  REQUIRE(c.configure(R"({"requestTimeoutMs":2000})") == "");
  const char* bad[] = {
      "", "not json", "[]", "42", R"({"unknown":1})", R"({"maxBatchEvents":0})",
      R"({"maxBatchEvents":"20"})", R"({"maxBatchEvents":2.5})", R"({"maxBatchEvents":-1})",
      R"({"maxBatchEvents":1e300})", R"({"urgentRequestBytes":30000,"urgentTotalBytes":20000})",
      R"({"retryBaseMs":5000,"retryCapMs":1000})", R"({"maxStringBytes":8192})",
      R"({"clickRules":{}})", R"({"clickRules":[{"prefix":"a."}]})",
      R"({"clickRules":[{"prefix":"a.","exact":"b","category":"x"}]})",
      R"({"clickRules":[{"prefix":"","category":"x"}]})", R"({"clickRules":[{"prefix":1,"category":"x"}]})",
      R"({"requestTimeoutMs":3000,"bogus":true})",
  };
  for (const char* cfg : bad) {
    INFO(cfg);
    CHECK_FALSE(c.configure(cfg).empty());
    CHECK(c.request_timeout_ms() == 2000);
  }
  CHECK(stats(c)["invalidCalls"] == std::size(bad));
}

TEST_CASE("integral floats are accepted as integers", "[config]") {
  clik::Core c;
  CHECK(c.configure(R"({"requestTimeoutMs":20000.0})") == "");
  CHECK(c.request_timeout_ms() == 20000);
}
