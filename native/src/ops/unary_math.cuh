// The forward formulas of the unary ops on the GPU (device functions), shared by unary_cuda.cu's
// kernels and the GPU plan's fused elementwise kernel (cuda/gpu_plan.cu), so an activation fused
// into a compiled plan computes exactly what the eager op does. Only .cu files include this.
#pragma once
#include <type_traits>

#include "activation_math.h"
#include "unary.h"

namespace bs {
namespace unary_dev {

template <typename T>
__device__ inline T sigmoidOf(T x) {
  if (x >= T(0)) return T(1) / (T(1) + exp(-x));  // never exponentiates a large positive number
  const T e = exp(x);
  return e / (T(1) + e);
}

template <typename T>
__device__ inline T negate(T x) {
  if constexpr (std::is_floating_point_v<T>) return -x;
  else return T(Wrap<T>(0) - Wrap<T>(x));  // wraps instead of overflowing
}

template <typename T>
__device__ inline T fwd(int op, T x, T alpha) {
  if constexpr (std::is_floating_point_v<T>) {
    if (act::isParametric(op)) return act::forward<T>(op, x, alpha);
    switch (op) {
      case kRelu: return x < T(0) ? T(0) : x;
      case kSigmoid: return sigmoidOf(x);
      case kTanh: return tanh(x);
      case kGelu: return T(0.5) * x * (T(1) + erf(x * T(0.70710678118654752440)));
      case kExp: return exp(x);
      case kLog: return log(x);
      case kAbs: return fabs(x);
      case kNeg: return -x;
      case kSqrt: return sqrt(x);
      case kSquare: return x * x;
      case kSoftrelu: return (x > T(0) ? x : T(0)) + log1p(exp(-fabs(x)));
      default: return x > T(0) ? T(1) : x < T(0) ? T(-1) : x;  // sign; NaN stays NaN
    }
  } else {
    switch (op) {
      case kAbs:
        if constexpr (std::is_unsigned_v<T>) return x;
        else return x < 0 ? negate(x) : x;
      case kNeg: return negate(x);
      case kSquare: return T(Wrap<T>(x) * Wrap<T>(x));
      default: return x > T(0) ? T(1) : x < T(0) ? T(-1) : T(0);
    }
  }
}

}  // namespace unary_dev
}  // namespace bs
