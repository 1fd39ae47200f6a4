// Elementwise unary ops and their derivatives on the GPU: the formulas of unary_cpu.cc's plain
// loops, line for line. One kernel per dtype with the op as a runtime switch (uniform across the
// grid, so it costs no divergence) instead of one kernel per (op, dtype): 10 kernels, not 72,
// which keeps the nvcc build of every architecture short.
#include <type_traits>

#include "../cuda/launch.cuh"
#include "activation_math.h"
#include "unary.h"
#include "unary_math.cuh"

namespace bs {

namespace {

using unary_dev::fwd;
using unary_dev::negate;
using unary_dev::sigmoidOf;

template <typename T>
__device__ T bwd(int op, T x, T y, T dy, T alpha) {
  if constexpr (std::is_floating_point_v<T>) {
    if (act::isParametric(op)) return act::backward<T>(op, x, dy, alpha);
    switch (op) {
      case kRelu: return x > T(0) ? dy : T(0);
      case kSigmoid: return dy * y * (T(1) - y);
      case kTanh: return dy * (T(1) - y * y);
      case kGelu: {
        const T cdf = T(0.5) * (T(1) + erf(x * T(0.70710678118654752440)));
        const T pdf = exp(T(-0.5) * x * x) * T(0.3989422804014327);  // 1/sqrt(2π)
        return dy * (cdf + x * pdf);
      }
      case kExp: return dy * y;
      case kLog: return dy / x;
      case kAbs: return x > T(0) ? dy : x < T(0) ? -dy : T(0);
      case kNeg: return -dy;
      case kSqrt: return dy / (T(2) * y);
      case kSquare: return T(2) * x * dy;
      case kSoftrelu: return dy * sigmoidOf(x);
      default: return T(0);
    }
  } else {
    switch (op) {
      case kAbs: return x > T(0) ? dy : x < T(0) ? negate(dy) : T(0);
      case kNeg: return negate(dy);
      case kSquare: return T(Wrap<T>(2) * Wrap<T>(x) * Wrap<T>(dy));
      default: return T(0);
    }
  }
}

template <typename T>
__global__ void unaryKernel(int op, const T* x, T* out, int64_t n, T alpha) {
  BS_GRID_LOOP(i, n) out[i] = fwd<T>(op, x[i], alpha);
}

template <typename T>
__global__ void unaryBackwardKernel(int op, const T* x, const T* y, const T* dy, T* dx, int64_t n, T alpha) {
  BS_GRID_LOOP(i, n) dx[i] = bwd<T>(op, x[i], y[i], dy[i], alpha);
}

#define BS_DISPATCH_NUMERIC(dt, T, ...)                 \
  switch (dt) {                                         \
    BS_CASE(::bs::DType::F32, float, T, __VA_ARGS__)    \
    BS_CASE(::bs::DType::F64, double, T, __VA_ARGS__)   \
    BS_CASE(::bs::DType::I32, int32_t, T, __VA_ARGS__)  \
    BS_CASE(::bs::DType::I64, int64_t, T, __VA_ARGS__)  \
    BS_CASE(::bs::DType::U8, uint8_t, T, __VA_ARGS__)   \
    default: break;                                     \
  }

}  // namespace

void unaryCuda(const UnaryParams& p) {
  const cuda::Target t = cuda::target(p.out, "unary");
  BS_DISPATCH_NUMERIC(p.dtype, T, {
    unaryKernel<T><<<cuda::gridFor(p.n), geom::kThreads, 0, t.stream>>>(
        p.op, static_cast<const T*>(p.x), static_cast<T*>(p.out), p.n, static_cast<T>(p.alpha));
  });
  cuda::checkLaunch("unary");
}

void unaryBackwardCuda(const UnaryBackwardParams& p) {
  const cuda::Target t = cuda::target(p.dx, "unaryBackward");
  BS_DISPATCH_NUMERIC(p.dtype, T, {
    unaryBackwardKernel<T><<<cuda::gridFor(p.n), geom::kThreads, 0, t.stream>>>(
        p.op, static_cast<const T*>(p.x), static_cast<const T*>(p.y), static_cast<const T*>(p.dy),
        static_cast<T*>(p.dx), p.n, static_cast<T>(p.alpha));
  });
  cuda::checkLaunch("unaryBackward");
}

}  // namespace bs
