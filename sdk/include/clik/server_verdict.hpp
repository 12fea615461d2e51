// What a 2xx response body says about the events of the batch it answers.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace clik {

struct ServerVerdict {
  bool all_rejected = false;             // {"success": false, ...} without a rejected list
  std::vector<std::uint8_t> rejected;    // per sent index, 0/1 (vector<bool> costs wasm code): {"rejected":[{"index":i,"reason":..}]}
};

// Parses the ingest function's result. Bodies that are not JSON objects
// (empty, proxies' HTML...) accept the whole batch: the status said success.
ServerVerdict parse_server_verdict(std::string_view body, std::size_t batch_size);

}  // namespace clik
