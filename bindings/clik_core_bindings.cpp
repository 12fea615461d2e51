// embind surface of the core: one thin class, plain numbers and strings in and
// out, no logic (bindings/clik_core.d.ts is the contract). Argument type checks
// for values embind would otherwise throw on live in clik_core_guard.js.
#include <emscripten/bind.h>

#include <string>

#include "clik/core.hpp"

namespace {

class CoreBinding {
 public:
  std::string configure(const std::string& json) { return core_.configure(json); }
  void seed(const std::string& hex) { core_.seed(hex); }
  int setIdentity(const std::string& u, const std::string& s, const std::string& c) { return core_.set_identity(u, s, c); }
  int trackSession(double now, const std::string& ua, const std::string& ref) { return core_.track_session(now, ua, ref); }
  int trackPageView(double now, const std::string& page) { return core_.track_page_view(now, page); }
  int trackClick(double now, const std::string& target) { return core_.track_click(now, target); }
  std::string sessionId(double now) { return core_.session_id(now); }
  std::string clickCategory(const std::string& target) { return core_.click_category(target); }
  double nextDeadline(double now) { return core_.next_deadline(now); }
  std::string pollBatch(double now) { return core_.poll_batch(now); }
  std::string pollUrgent(double now) { return core_.poll_urgent(now); }
  double requestId() { return core_.request_id(); }
  int onResult(double id, double now, double status, const std::string& retry_after, const std::string& body) {
    return core_.on_result(id, now, status, retry_after, body);
  }
  double requestTimeoutMs() { return static_cast<double>(core_.request_timeout_ms()); }
  std::string snapshot() { return core_.snapshot(); }
  bool dirty() { return core_.dirty(); }
  int restore(const std::string& snapshot, double now) { return core_.restore(snapshot, now); }
  std::string sessionState() { return core_.session_state(); }
  int restoreSession(const std::string& state) { return core_.restore_session(state); }
  void setEnabled(bool enabled) { core_.set_enabled(enabled); }
  std::string stats() { return core_.stats(); }
  std::string lastError() { return core_.last_error(); }
  int invalidCall(const std::string& message) { return core_.invalid_call(message); }

 private:
  clik::Core core_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(clik_core) {
  emscripten::class_<CoreBinding>("Core")
      .constructor<>()
      .function("configure", &CoreBinding::configure)
      .function("seed", &CoreBinding::seed)
      .function("setIdentity", &CoreBinding::setIdentity)
      .function("trackSession", &CoreBinding::trackSession)
      .function("trackPageView", &CoreBinding::trackPageView)
      .function("trackClick", &CoreBinding::trackClick)
      .function("sessionId", &CoreBinding::sessionId)
      .function("clickCategory", &CoreBinding::clickCategory)
      .function("nextDeadline", &CoreBinding::nextDeadline)
      .function("pollBatch", &CoreBinding::pollBatch)
      .function("pollUrgent", &CoreBinding::pollUrgent)
      .function("requestId", &CoreBinding::requestId)
      .function("onResult", &CoreBinding::onResult)
      .function("requestTimeoutMs", &CoreBinding::requestTimeoutMs)
      .function("snapshot", &CoreBinding::snapshot)
      .function("dirty", &CoreBinding::dirty)
      .function("restore", &CoreBinding::restore)
      .function("sessionState", &CoreBinding::sessionState)
      .function("restoreSession", &CoreBinding::restoreSession)
      .function("setEnabled", &CoreBinding::setEnabled)
      .function("stats", &CoreBinding::stats)
      .function("lastError", &CoreBinding::lastError)
      .function("_invalidCall", &CoreBinding::invalidCall);
}
