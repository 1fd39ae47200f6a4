#include <cmath>
#include <type_traits>

#include "../parallel.h"
#include "binary.h"
#include "strided.h"

namespace bs {

const char* binaryName(int op) {
  static constexpr const char* names[] = {"add", "sub", "mul", "div", "pow", "maximum", "minimum",
                                          "eq", "ne", "lt", "le", "gt", "ge"};
  return op >= 0 && op < kNumBinaryOps ? names[op] : "?";
}

namespace {

// Integer power by squaring (wrapping); a negative exponent truncates like C: 1/a^|b| → 0 unless
// |a| == 1.
template <typename T>
inline T ipow(T a, T b) {
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

template <int OP, typename T>
inline auto bop(T a, T b) {
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
    if constexpr (F) return std::pow(a, b);
    else return ipow(a, b);
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

template <int OP, typename T>
using Out = decltype(bop<OP, T>(T(), T()));

template <int OP, typename T>
void binaryLoop(const BinaryParams& p) {
  using R = Out<OP, T>;
  const T* a = static_cast<const T*>(p.a);
  const T* b = static_cast<const T*>(p.b);
  R* out = static_cast<R*>(p.out);
  Walk<3> w;
  w.rank = p.shape.n;
  int64_t total = 1;
  for (int i = p.shape.n - 1; i >= 0; i--) {
    w.shape[i] = p.shape[i];
    w.strides[0][i] = p.aStrides[i];
    w.strides[1][i] = p.bStrides[i];
    w.strides[2][i] = total;
    total *= p.shape[i];
  }
  w.collapse();
  if (w.wantsTiles()) {  // an operand is transposed relative to out
    const int r = w.rank;
    const int64_t aA = w.strides[0][r - 2], aB = w.strides[0][r - 1], bA = w.strides[1][r - 2];
    const int64_t bB = w.strides[1][r - 1], oA = w.strides[2][r - 2];
    constexpr int64_t TT = Walk<3>::kTile;
    // Operand tiles are first gathered in each operand's own contiguous order (see copyStrided:
    // reading a transposed operand directly thrashes one cache set for power-of-two pitches).
    auto gather = [](const T* src, int64_t sI, int64_t sJ, int64_t i0, int64_t i1, int64_t j0, int64_t j1, T* tile) {
      if (sI <= sJ) {
        for (int64_t j = j0; j < j1; j++)
          for (int64_t i = i0; i < i1; i++) tile[(i - i0) * TT + (j - j0)] = src[i * sI + j * sJ];
      } else {
        for (int64_t i = i0; i < i1; i++)
          for (int64_t j = j0; j < j1; j++) tile[(i - i0) * TT + (j - j0)] = src[i * sI + j * sJ];
      }
    };
    w.forEachTile(total >= kParallelMin, [&](const int64_t* off, int64_t a0, int64_t a1, int64_t b0, int64_t b1) {
      T ta[TT * TT], tb[TT * TT];
      gather(a + off[0], aA, aB, a0, a1, b0, b1, ta);
      gather(b + off[1], bA, bB, a0, a1, b0, b1, tb);
      for (int64_t i = a0; i < a1; i++)
        for (int64_t j = b0; j < b1; j++)
          out[off[2] + i * oA + j] = bop<OP, T>(ta[(i - a0) * TT + (j - b0)], tb[(i - a0) * TT + (j - b0)]);
    });
    return;
  }
  const int64_t sa = w.strides[0][w.rank - 1], sb = w.strides[1][w.rank - 1];
  // The common stride patterns get their own loops so the compiler vectorises them.
  w.forEachRow(total >= kParallelMin, [&](const int64_t* off, int64_t len) {
    const T* x = a + off[0];
    const T* y = b + off[1];
    R* o = out + off[2];
    if (sa == 1 && sb == 1) {
      for (int64_t j = 0; j < len; j++) o[j] = bop<OP, T>(x[j], y[j]);
    } else if (sa == 1 && sb == 0) {
      const T s = y[0];
      for (int64_t j = 0; j < len; j++) o[j] = bop<OP, T>(x[j], s);
    } else if (sa == 0 && sb == 1) {
      const T s = x[0];
      for (int64_t j = 0; j < len; j++) o[j] = bop<OP, T>(s, y[j]);
    } else {
      for (int64_t j = 0; j < len; j++) o[j] = bop<OP, T>(x[j * sa], y[j * sb]);
    }
  });
}

template <int OP, typename T>
void scalarLoop(const BinaryScalarParams& p) {
  using R = Out<OP, T>;
  const T* x = static_cast<const T*>(p.x);
  R* out = static_cast<R*>(p.out);
  const T s = fromDouble<T>(p.scalar, p.dtype);
  const int64_t n = p.n;
  if (p.scalarFirst) {
    parallelFor(n, n >= kParallelMin, [&](int64_t i) { out[i] = bop<OP, T>(s, x[i]); });
  } else {
    parallelFor(n, n >= kParallelMin, [&](int64_t i) { out[i] = bop<OP, T>(x[i], s); });
  }
}

// bool is uint8 0/1: add is logical or (= maximum) and mul is logical and (= minimum).
inline int boolOp(int op, DType d) {
  if (d != DType::Bool) return op;
  return op == kAdd ? kMaximum : op == kMul ? kMinimum : op;
}

#define BS_BINARY_SWITCH(op, FN, P)         \
  switch (op) {                             \
    case kAdd: FN<kAdd, T>(P); break;       \
    case kSub: FN<kSub, T>(P); break;       \
    case kMul: FN<kMul, T>(P); break;       \
    case kDiv: FN<kDiv, T>(P); break;       \
    case kPow: FN<kPow, T>(P); break;       \
    case kMaximum: FN<kMaximum, T>(P); break; \
    case kMinimum: FN<kMinimum, T>(P); break; \
    case kEq: FN<kEq, T>(P); break;         \
    case kNe: FN<kNe, T>(P); break;         \
    case kLt: FN<kLt, T>(P); break;         \
    case kLe: FN<kLe, T>(P); break;         \
    case kGt: FN<kGt, T>(P); break;         \
    default: FN<kGe, T>(P); break;          \
  }

}  // namespace

void binaryCpu(const BinaryParams& p) {
  const int op = boolOp(p.op, p.dtype);
  BS_DISPATCH_ALL(p.dtype, T, { BS_BINARY_SWITCH(op, binaryLoop, p) });
}

void binaryScalarCpu(const BinaryScalarParams& p) {
  const int op = boolOp(p.op, p.dtype);
  BS_DISPATCH_ALL(p.dtype, T, { BS_BINARY_SWITCH(op, scalarLoop, p) });
}

}  // namespace bs
