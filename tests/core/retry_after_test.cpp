#include <catch2/catch.hpp>

#include "clik/delivery_outcome.hpp"
#include "clik/retry_after.hpp"

using clik::parse_http_date;
using clik::parse_retry_after;

TEST_CASE("Retry-After delay-seconds", "[retry-after]") {
  CHECK(parse_retry_after("0", 0) == 0);
  CHECK(parse_retry_after("120", 0) == 120000);
  CHECK(parse_retry_after(" 5 ", 0) == 5000);
  CHECK_FALSE(parse_retry_after("", 0));
  CHECK_FALSE(parse_retry_after("-5", 0));
  CHECK_FALSE(parse_retry_after("1.5", 0));
  CHECK_FALSE(parse_retry_after("soon", 0));
  CHECK(*parse_retry_after("99999999999999999999999", 0) > 0);  // no overflow
}

TEST_CASE("Retry-After HTTP-dates in all three RFC 9110 forms", "[retry-after]") {
  const std::int64_t t = 784111777000;  // Sun, 06 Nov 1994 08:49:37 GMT
  CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == t);
  CHECK(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == t);
  CHECK(parse_http_date("Sun Nov  6 08:49:37 1994") == t);
  CHECK(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT") == 0);
  CHECK(parse_http_date("Thu, 29 Feb 2024 12:00:00 GMT") == 1709208000000);
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", t - 3000) == 3000);
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", t + 3000) == 0);  // past: retry now
  CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 PST"));
  CHECK_FALSE(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"));
  CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 25:49:37 GMT"));
  CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994"));
}

TEST_CASE("status classification", "[retry-after]") {
  using clik::DeliveryOutcome;
  using clik::classify_status;
  for (int s : {200, 201, 204}) CHECK(classify_status(s) == DeliveryOutcome::Delivered);
  for (int s : {0, 408, 429, 500, 502, 503, 504, 599}) CHECK(classify_status(s) == DeliveryOutcome::Retryable);
  for (int s : {100, 301, 400, 401, 403, 404, 409, 413, 422, 501, 505})
    CHECK(classify_status(s) == DeliveryOutcome::Permanent);
}
