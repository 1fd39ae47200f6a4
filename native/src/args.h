// Reads and validates JS arguments. Every reader fails with a coded NativeError naming the kernel
// and the argument; none of them allocates on success, to keep the per-call cost of small ops low.
#pragma once
#include <napi.h>

#include <memory>

#include "buffer.h"
#include "checks.h"
#include "dtype.h"
#include "errors.h"

namespace bs {

// The most arguments one entry point reads (recurrentBackward's 19).
constexpr size_t kMaxArgs = 20;

class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* kernel, size_t count);

  Ctx ctx;

  double number(size_t i, const char* name) const;
  int64_t index(size_t i, const char* name) const;  // integer in [0, 2^53]
  bool boolean(size_t i, const char* name) const;
  DType dtype(size_t i, const char* name = "dtype") const;
  int code(size_t i, int count, const char* name) const;  // an op code in [0, count)
  void dims(size_t i, const char* name, Dims& out) const;
  // Same as dims, but the length must equal `rank` (strides for a shape).
  void strides(size_t i, const char* name, int rank, int64_t* out) const;
  bool isNull(size_t i) const;

  BufferHandle* handle(size_t i, const char* name) const;  // may be disposed
  Storage* buffer(size_t i, const char* name) const;        // live storage or E_DISPOSED
  std::shared_ptr<Storage> shared(size_t i, const char* name) const;

  napi_env env() const { return env_; }
  napi_value at(size_t i) const { return argv_[i]; }

 private:
  napi_env env_;
  napi_value argv_[kMaxArgs];
};

inline int64_t elems(const Storage* s, DType d) { return static_cast<int64_t>(s->bytes / dtypeSize(d)); }

// "cpu(0)", "gpu(1)": the device names used in E_DEVICE_MISMATCH messages.
void deviceName(Device d, char* buf, size_t n);

// All buffers of one call live on one device; returns it.
Device sameDevice(const Ctx& ctx, std::initializer_list<const Storage*> buffers);

}  // namespace bs
