// The per-element rules of the parametrised activations (leaky relu, elu, selu, silu, hard
// sigmoid, hard swish, tanh-gelu), host and device: unary_cpu.cc's plain loops and unary_cuda.cu
// share this one definition, so the two backends cannot drift. `alpha` is the op's parameter
// (negative slope, elu's alpha, silu's beta); ops without one ignore it. Formulas and the edge
// cases of the derivatives (x == 0, x == ±3) follow PyTorch 1.13's kernels.
#pragma once
#include <cmath>

#include "../host_device.h"
#include "unary.h"

namespace bs {
namespace act {

#ifdef __CUDA_ARCH__
template <typename T> BS_HD inline T mexp(T x) { return exp(x); }
template <typename T> BS_HD inline T mtanh(T x) { return tanh(x); }
#else
template <typename T> inline T mexp(T x) { return std::exp(x); }
template <typename T> inline T mtanh(T x) { return std::tanh(x); }
#endif

constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;
constexpr double kSqrt2OverPi = 0.7978845608028654;
constexpr double kGeluCubic = 0.044715;

template <typename T>
BS_HD inline T sigmoid(T x) {
  if (x >= T(0)) return T(1) / (T(1) + mexp(-x));  // never exponentiates a large positive number
  const T e = mexp(x);
  return e / (T(1) + e);
}

// True for the ops this header defines.
BS_HD inline bool isParametric(int op) { return op >= kLeakyRelu && op <= kGeluTanh; }

template <typename T>
BS_HD inline T forward(int op, T x, T alpha) {
  switch (op) {
    case kLeakyRelu: return x > T(0) ? x : alpha * x;
    case kElu: return x > T(0) ? x : alpha * (mexp(x) - T(1));
    case kSelu: return T(kSeluScale) * (x > T(0) ? x : T(kSeluAlpha) * (mexp(x) - T(1)));
    case kSilu: return x * sigmoid(alpha * x);
    case kHardSigmoid: return x <= T(-3) ? T(0) : x >= T(3) ? T(1) : x / T(6) + T(0.5);
    case kHardSwish: return x <= T(-3) ? T(0) : x >= T(3) ? x : x * (x + T(3)) / T(6);
    default: {  // kGeluTanh
      const T t = mtanh(T(kSqrt2OverPi) * (x + T(kGeluCubic) * x * x * x));
      return T(0.5) * x * (T(1) + t);
    }
  }
}

template <typename T>
BS_HD inline T backward(int op, T x, T dy, T alpha) {
  switch (op) {
    case kLeakyRelu: return x > T(0) ? dy : alpha * dy;
    case kElu: return x > T(0) ? dy : dy * alpha * mexp(x);
    case kSelu: return x > T(0) ? dy * T(kSeluScale) : dy * T(kSeluScale * kSeluAlpha) * mexp(x);
    case kSilu: {
      const T s = sigmoid(alpha * x);
      return dy * (s + alpha * x * s * (T(1) - s));
    }
    case kHardSigmoid: return x > T(-3) && x < T(3) ? dy / T(6) : T(0);
    case kHardSwish: return x < T(-3) ? T(0) : x <= T(3) ? dy * (x / T(3) + T(0.5)) : dy;
    default: {  // kGeluTanh
      const T inner = T(kSqrt2OverPi) * (x + T(kGeluCubic) * x * x * x);
      const T t = mtanh(inner);
      const T dinner = T(kSqrt2OverPi) * (T(1) + T(3 * kGeluCubic) * x * x);
      return dy * (T(0.5) * (T(1) + t) + T(0.5) * x * (T(1) - t * t) * dinner);
    }
  }
}

}  // namespace act
}  // namespace bs
