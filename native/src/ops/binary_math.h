// The per-element rules of the binary ops, shared by binary_cpu.cc (op known at compile time, so
// the loops vectorise) and binary_cuda.cu (op chosen at run time inside one kernel; see
// unary_cuda.cu for why), host and device. One definition keeps the two backends' integer
// division, wrapping, integer pow and NaN handling identical.
#pragma once
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "../dtype.h"
#include "binary.h"

#include "../host_device.h"

namespace bs {

// Integer power by squaring (wrapping); a negative exponent truncates like C: 1/a^|b| → 0 unless
// |a| == 1.
template <typename T>
BS_HD inline T binaryIpow(T a, T b) {
  if constexpr (std::is_signed_v<T>) {
    if (b < 0) return a == 1 ? T(1) : a == -1 ? ((b & 1) ? T(-1) : T(1)) : T(0);
  }
  Wrap<T> result = 1, base = static_cast<Wrap<T>>(a);
  for (Wrap<T> e = static_cast<Wrap<T>>(b); e; e >>= 1) {
    if (e & 1) result *= base;
    base *= base;
  }
  return static_cast<T>(result);
}

template <typename T>
BS_HD inline T binaryFloatPow(T a, T b) {
#ifdef __CUDA_ARCH__
  return pow(a, b);
#else
  return std::pow(a, b);
#endif
}

// a OP b: T for arithmetic ops, uint8_t (0/1) for comparisons.
template <int OP, typename T>
BS_HD inline auto binaryOp(T a, T b) {
  constexpr bool F = std::is_floating_point_v<T>;
  if constexpr (OP == kAdd) return T(Wrap<T>(a) + Wrap<T>(b));
  else if constexpr (OP == kSub) return T(Wrap<T>(a) - Wrap<T>(b));
  else if constexpr (OP == kMul) return T(Wrap<T>(a) * Wrap<T>(b));
  else if constexpr (OP == kDiv) {
    if constexpr (F) return a / b;
    else if constexpr (std::is_signed_v<T>)  // x/0 → 0 and MIN/-1 wraps: never a SIGFPE
      return b == 0 ? T(0) : b == T(-1) ? T(Wrap<T>(0) - Wrap<T>(a)) : T(a / b);
    else return b == 0 ? T(0) : T(a / b);
  } else if constexpr (OP == kPow) {
    if constexpr (F) return binaryFloatPow(a, b);
    else return binaryIpow(a, b);
  }
  // maximum/minimum propagate NaN, as numpy does.
  else if constexpr (OP == kMaximum) { if constexpr (F) return (a > b || a != a) ? a : b; else return a > b ? a : b; }
  else if constexpr (OP == kMinimum) { if constexpr (F) return (a < b || a != a) ? a : b; else return a < b ? a : b; }
  else if constexpr (OP == kEq) return uint8_t(a == b);
  else if constexpr (OP == kNe) return uint8_t(a != b);
  else if constexpr (OP == kLt) return uint8_t(a < b);
  else if constexpr (OP == kLe) return uint8_t(a <= b);
  else if constexpr (OP == kGt) return uint8_t(a > b);
  else return uint8_t(a >= b);
}

// The same with the op chosen at run time: arithmetic ops (op < kEq) ...
template <typename T>
BS_HD inline T binaryArith(int op, T a, T b) {
  switch (op) {
    case kAdd: return binaryOp<kAdd, T>(a, b);
    case kSub: return binaryOp<kSub, T>(a, b);
    case kMul: return binaryOp<kMul, T>(a, b);
    case kDiv: return binaryOp<kDiv, T>(a, b);
    case kPow: return binaryOp<kPow, T>(a, b);
    case kMaximum: return binaryOp<kMaximum, T>(a, b);
    default: return binaryOp<kMinimum, T>(a, b);
  }
}

// ... and comparisons (op >= kEq).
template <typename T>
BS_HD inline uint8_t binaryCompare(int op, T a, T b) {
  switch (op) {
    case kEq: return binaryOp<kEq, T>(a, b);
    case kNe: return binaryOp<kNe, T>(a, b);
    case kLt: return binaryOp<kLt, T>(a, b);
    case kLe: return binaryOp<kLe, T>(a, b);
    case kGt: return binaryOp<kGt, T>(a, b);
    default: return binaryOp<kGe, T>(a, b);
  }
}

// bool is uint8 0/1: add is logical or (= maximum) and mul is logical and (= minimum).
inline int boolBinaryOp(int op, DType d) {
  if (d != DType::Bool) return op;
  return op == kAdd ? kMaximum : op == kMul ? kMinimum : op;
}

}  // namespace bs
