#include "args.h"

#include <cmath>
#include <cstdio>

namespace bs {

namespace {
constexpr double kMaxIndex = 9007199254740992.0;  // 2^53
}

Args::Args(const Napi::CallbackInfo& info, const char* kernel, size_t count)
    : ctx{kernel}, env_(info.Env()) {
  if (info.Length() < count)
    failAt(ctx, code::kArgs, "expected %zu arguments, got %zu", count, info.Length());
  size_t n = count < kMaxArgs ? count : kMaxArgs;
  for (size_t i = 0; i < n; i++) argv_[i] = info[i];
}

double Args::number(size_t i, const char* name) const {
  double d;
  if (napi_get_value_double(env_, argv_[i], &d) != napi_ok)
    failAt(ctx, code::kArgs, "%s must be a number", name);
  return d;
}

static int64_t toIndex(const Ctx& ctx, double d, const char* name) {
  if (!(d >= 0))
    failAt(ctx, code::kArgs, "%s must be a non-negative integer, got %g", name, d);
  if (d != std::floor(d) || d > kMaxIndex)
    failAt(ctx, code::kArgs, "%s must be an integer no larger than 2^53, got %g", name, d);
  return static_cast<int64_t>(d);
}

int64_t Args::index(size_t i, const char* name) const { return toIndex(ctx, number(i, name), name); }

bool Args::boolean(size_t i, const char* name) const {
  bool b;
  if (napi_get_value_bool(env_, argv_[i], &b) != napi_ok)
    failAt(ctx, code::kArgs, "%s must be a boolean", name);
  return b;
}

DType Args::dtype(size_t i, const char* name) const {
  double d = number(i, name);
  if (!(d >= 0 && d < kNumDTypes && d == std::floor(d)))
    failAt(ctx, code::kDtype, "%s code %g is not one of 0..%d", name, d, kNumDTypes - 1);
  return static_cast<DType>(static_cast<int>(d));
}

int Args::code(size_t i, int count, const char* name) const {
  double d = number(i, name);
  if (!(d >= 0 && d < count && d == std::floor(d)))
    failAt(ctx, code::kArgs, "%s code %g is not one of 0..%d", name, d, count - 1);
  return static_cast<int>(d);
}

void Args::dims(size_t i, const char* name, Dims& out) const {
  bool isArray = false;
  napi_is_array(env_, argv_[i], &isArray);
  if (!isArray) failAt(ctx, code::kArgs, "%s must be an array of integers", name);
  uint32_t len = 0;
  napi_get_array_length(env_, argv_[i], &len);
  if (len > static_cast<uint32_t>(kMaxRank))
    failAt(ctx, code::kArgs, "%s has rank %u; the addon supports up to %d", name, len, kMaxRank);
  out.n = static_cast<int>(len);
  for (uint32_t j = 0; j < len; j++) {
    napi_value v;
    double d;
    if (napi_get_element(env_, argv_[i], j, &v) != napi_ok ||
        napi_get_value_double(env_, v, &d) != napi_ok)
      failAt(ctx, code::kArgs, "%s[%u] must be a number", name, j);
    out.v[j] = toIndex(ctx, d, name);
  }
}

void Args::strides(size_t i, const char* name, int rank, int64_t* out) const {
  Dims d;
  dims(i, name, d);
  if (d.n != rank)
    failAt(ctx, code::kArgs, "%s has %d entries but the shape has rank %d", name, d.n, rank);
  for (int j = 0; j < rank; j++) out[j] = d.v[j];
}

bool Args::isNull(size_t i) const {
  napi_valuetype t;
  napi_typeof(env_, argv_[i], &t);
  return t == napi_null || t == napi_undefined;
}

BufferHandle* Args::handle(size_t i, const char* name) const {
  void* data = nullptr;
  // napi_get_value_external fails on anything but an External; the magic guards against an
  // External made by some other addon.
  if (napi_get_value_external(env_, argv_[i], &data) != napi_ok || data == nullptr ||
      static_cast<BufferHandle*>(data)->magic != BufferHandle::kMagic)
    failAt(ctx, code::kArgs, "%s must be a NativeBuffer from alloc()", name);
  return static_cast<BufferHandle*>(data);
}

Storage* Args::buffer(size_t i, const char* name) const {
  BufferHandle* h = handle(i, name);
  if (!h->storage) failAt(ctx, code::kDisposed, "%s was used after dispose()", name);
  return h->storage.get();
}

std::shared_ptr<Storage> Args::shared(size_t i, const char* name) const {
  BufferHandle* h = handle(i, name);
  if (!h->storage) failAt(ctx, code::kDisposed, "%s was used after dispose()", name);
  return h->storage;
}

void deviceName(Device d, char* buf, size_t n) {
  snprintf(buf, n, "%s(%d)", d.type == DeviceType::Cpu ? "cpu" : "gpu", d.id);
}

Device sameDevice(const Ctx& ctx, std::initializer_list<const Storage*> buffers) {
  const Storage* first = nullptr;
  for (const Storage* s : buffers) {
    if (!s) continue;
    if (!first) {
      first = s;
    } else if (s->device != first->device) {
      char a[32], b[32];
      deviceName(first->device, a, sizeof a);
      deviceName(s->device, b, sizeof b);
      failAt(ctx, code::kDevice, "buffers live on different devices: %s and %s", a, b);
    }
  }
  return first ? first->device : Device{DeviceType::Cpu, 0};
}

}  // namespace bs
