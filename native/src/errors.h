// Coded errors. Kernels throw NativeError (plain C++, safe on worker threads); addon.cc turns it
// into a JS Error whose `code` is one of the contract's NativeErrorCode values.
#pragma once
#include <exception>
#include <string>

namespace bs {

namespace code {
constexpr const char* kArgs = "E_NATIVE_ARGS";
constexpr const char* kBounds = "E_OUT_OF_BOUNDS";
constexpr const char* kDtype = "E_DTYPE";
constexpr const char* kOom = "E_OUT_OF_MEMORY";
constexpr const char* kDisposed = "E_DISPOSED";
constexpr const char* kDevice = "E_DEVICE_MISMATCH";
constexpr const char* kNoCuda = "E_NO_CUDA";
constexpr const char* kDnnl = "E_DNNL";
}  // namespace code

struct NativeError : std::exception {
  const char* code;
  std::string message;
  NativeError(const char* c, std::string m) : code(c), message(std::move(m)) {}
  const char* what() const noexcept override { return message.c_str(); }
};

// Names the kernel in every message ("binary(add): ..."). Only formatted when something fails, so
// the happy path builds no strings.
struct Ctx {
  const char* kernel;
  const char* op = nullptr;
};

[[noreturn]] void fail(const char* code, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
[[noreturn]] void failAt(const Ctx& ctx, const char* code, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));

}  // namespace bs
