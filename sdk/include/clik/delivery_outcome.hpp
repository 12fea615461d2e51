// How an HTTP status decides a batch's fate.
#pragma once

namespace clik {

enum class DeliveryOutcome {
  Delivered,   // 2xx
  Retryable,   // 0 (network error / timeout), 408, 429, 5xx except 501 and 505
  Permanent,   // anything else: retrying cannot help
};

DeliveryOutcome classify_status(int status);

}  // namespace clik
