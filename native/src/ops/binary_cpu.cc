#include "../parallel.h"
#include "binary.h"
#include "binary_math.h"
#include "strided.h"

namespace bs {

const char* binaryName(int op) {
  static constexpr const char* names[] = {"add", "sub", "mul", "div", "pow", "maximum", "minimum",
                                          "eq", "ne", "lt", "le", "gt", "ge"};
  return op >= 0 && op < kNumBinaryOps ? names[op] : "?";
}

namespace {

template <int OP, typename T>
using Out = decltype(binaryOp<OP, T>(T(), T()));

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
          out[off[2] + i * oA + j] = binaryOp<OP, T>(ta[(i - a0) * TT + (j - b0)], tb[(i - a0) * TT + (j - b0)]);
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
      for (int64_t j = 0; j < len; j++) o[j] = binaryOp<OP, T>(x[j], y[j]);
    } else if (sa == 1 && sb == 0) {
      const T s = y[0];
      for (int64_t j = 0; j < len; j++) o[j] = binaryOp<OP, T>(x[j], s);
    } else if (sa == 0 && sb == 1) {
      const T s = x[0];
      for (int64_t j = 0; j < len; j++) o[j] = binaryOp<OP, T>(s, y[j]);
    } else {
      for (int64_t j = 0; j < len; j++) o[j] = binaryOp<OP, T>(x[j * sa], y[j * sb]);
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
    parallelFor(n, n >= kParallelMin, [&](int64_t i) { out[i] = binaryOp<OP, T>(s, x[i]); });
  } else {
    parallelFor(n, n >= kParallelMin, [&](int64_t i) { out[i] = binaryOp<OP, T>(x[i], s); });
  }
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
  const int op = boolBinaryOp(p.op, p.dtype);
  BS_DISPATCH_ALL(p.dtype, T, { BS_BINARY_SWITCH(op, binaryLoop, p) });
}

void binaryScalarCpu(const BinaryScalarParams& p) {
  const int op = boolBinaryOp(p.op, p.dtype);
  BS_DISPATCH_ALL(p.dtype, T, { BS_BINARY_SWITCH(op, scalarLoop, p) });
}

}  // namespace bs
