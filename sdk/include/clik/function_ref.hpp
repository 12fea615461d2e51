// A non-owning reference to a callable, for callbacks that run only during the
// call they are passed to (llvm::function_ref's idea). std::function would do,
// but its type-erased copy machinery (a heap box, a vtable of clone/destroy/invoke
// per lambda type) is code in the .wasm for nothing: these callbacks are never
// stored.
#pragma once
#include <memory>
#include <type_traits>
#include <utility>

namespace clik {

template <class Signature>
class FunctionRef;

template <class R, class... Args>
class FunctionRef<R(Args...)> {
 public:
  // Refers to `f`, which must outlive every call through this reference (a
  // lambda written in the call's argument list lives until the call returns).
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, FunctionRef>>>
  FunctionRef(F&& f)  // NOLINT: implicit, so a lambda can be passed directly
      : object_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
        invoke_([](void* o, Args... args) -> R {
          return (*static_cast<std::remove_reference_t<F>*>(o))(std::forward<Args>(args)...);
        }) {}

  R operator()(Args... args) const { return invoke_(object_, std::forward<Args>(args)...); }

 private:
  void* object_;
  R (*invoke_)(void*, Args...);
};

}  // namespace clik
