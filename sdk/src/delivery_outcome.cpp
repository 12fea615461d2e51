#include "clik/delivery_outcome.hpp"

namespace clik {

DeliveryOutcome classify_status(int status) {
  if (status >= 200 && status < 300) return DeliveryOutcome::Delivered;
  if (status == 0 || status == 408 || status == 429) return DeliveryOutcome::Retryable;
  // 501 Not Implemented and 505 HTTP Version Not Supported will not change on retry.
  if (status >= 500 && status < 600 && status != 501 && status != 505) return DeliveryOutcome::Retryable;
  return DeliveryOutcome::Permanent;
}

}  // namespace clik
