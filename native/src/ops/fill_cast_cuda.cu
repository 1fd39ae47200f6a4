// fill and cast on the GPU. The fill value is converted on the host by the same fromDouble the
// CPU uses; casts repeat dtype.h's convert() rules on the device (saturating float→int, NaN → 0,
// wrapping integer narrowing), so both backends give the same bits.
#include <type_traits>

#include "../cuda/launch.cuh"
#include "fill_cast.h"

namespace bs {

namespace {

template <typename T>
__global__ void fillKernel(T* out, int64_t n, T v) {
  BS_GRID_LOOP(i, n) out[i] = v;
}

template <typename D>
__device__ D saturate(double v) {
  if (v != v) return 0;
  const double lo = static_cast<double>(std::numeric_limits<D>::min());
  const double hi = static_cast<double>(std::numeric_limits<D>::max());
  if (v <= lo) return std::numeric_limits<D>::min();
  if (v >= hi) return std::numeric_limits<D>::max();
  return static_cast<D>(v);
}

template <typename D, typename S>
__device__ D convertOnDevice(S v) {
  if constexpr (std::is_floating_point_v<S> && !std::is_floating_point_v<D>) {
    return saturate<D>(static_cast<double>(v));
  } else if constexpr (!std::is_floating_point_v<S> && !std::is_floating_point_v<D> &&
                       (sizeof(D) < sizeof(S) || std::is_signed_v<S> != std::is_signed_v<D>)) {
    return static_cast<D>(static_cast<std::make_unsigned_t<S>>(v));
  } else {
    return static_cast<D>(v);
  }
}

template <typename S, typename D>
__global__ void castKernel(const S* src, D* dst, int64_t n, bool toBool) {
  if (toBool) {
    BS_GRID_LOOP(i, n) dst[i] = src[i] != S(0) ? 1 : 0;  // NaN → 1, as numpy
  } else {
    BS_GRID_LOOP(i, n) dst[i] = convertOnDevice<D, S>(src[i]);
  }
}

}  // namespace

void fillCuda(const FillParams& p) {
  const cuda::Target t = cuda::target(p.out, "fill");
  BS_DISPATCH_ALL(p.dtype, T, {
    fillKernel<T><<<cuda::gridFor(p.n), geom::kThreads, 0, t.stream>>>(static_cast<T*>(p.out), p.n,
                                                                       fromDouble<T>(p.value, p.dtype));
  });
  cuda::checkLaunch("fill");
}

void castCuda(const CastParams& p) {
  const cuda::Target t = cuda::target(p.dst, "cast");
  const bool toBool = p.dstDtype == DType::Bool;
  BS_DISPATCH_ALL(p.srcDtype, S, {
    BS_DISPATCH_ALL(p.dstDtype, D, {
      castKernel<S, D><<<cuda::gridFor(p.n), geom::kThreads, 0, t.stream>>>(
          static_cast<const S*>(p.src), static_cast<D*>(p.dst), p.n, toBool);
    });
  });
  cuda::checkLaunch("cast");
}

}  // namespace bs
