#include "../parallel.h"
#include "fill_cast.h"

namespace bs {

namespace {

template <typename T>
void fillLoop(T* out, int64_t n, T v) {
  parallelFor(n, n >= kParallelMin, [&](int64_t i) { out[i] = v; });
}

}  // namespace

void fillCpu(const FillParams& p) {
  BS_DISPATCH_ALL(p.dtype, T, fillLoop<T>(static_cast<T*>(p.out), p.n, fromDouble<T>(p.value, p.dtype)));
}

namespace {

template <typename S, typename D>
void castLoop(const S* src, D* dst, int64_t n, bool toBool) {
  if (toBool) {
    // NaN → 1, as numpy
    parallelFor(n, n >= kParallelMin, [&](int64_t i) { dst[i] = src[i] != S(0) ? 1 : 0; });
  } else {
    parallelFor(n, n >= kParallelMin, [&](int64_t i) { dst[i] = convert<D, S>(src[i]); });
  }
}

}  // namespace

void castCpu(const CastParams& p) {
  const bool toBool = p.dstDtype == DType::Bool;
  BS_DISPATCH_ALL(p.srcDtype, S, {
    BS_DISPATCH_ALL(p.dstDtype, D, {
      castLoop<S, D>(static_cast<const S*>(p.src), static_cast<D*>(p.dst), p.n, toBool);
    });
  });
}

}  // namespace bs
