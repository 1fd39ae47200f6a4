// Elementwise unary ops (codes as UNARY_OP in native-addon.ts) and their derivatives.
#pragma once
#include <cstdint>

#include "../dtype.h"

namespace bs {

enum UnaryOp : int {
  kRelu = 0, kSigmoid, kTanh, kGelu, kExp, kLog, kAbs, kNeg, kSqrt, kSquare, kSoftrelu, kSign,
  // Parametrised activations (activation_math.h); `alpha` below is their parameter.
  kLeakyRelu, kElu, kSelu, kSilu, kHardSigmoid, kHardSwish, kGeluTanh,
  kNumUnaryOps
};
// Ops before kLeakyRelu take no parameter: only those may be fused into linear (which has no alpha).
constexpr int kNumPlainUnaryOps = kLeakyRelu;
const char* unaryName(int op);
// abs, neg, square and sign also take integer dtypes; the rest are float-only.
inline bool unaryTakesInts(int op) { return op == kAbs || op == kNeg || op == kSquare || op == kSign; }

struct UnaryParams {
  int op;
  DType dtype;
  const void* x;
  void* out;
  int64_t n;
  double alpha = 0;  // leakyRelu's slope, elu's alpha, silu's beta; unused by the others
};

struct UnaryBackwardParams {
  int op;
  DType dtype;
  const void* x;
  const void* y;
  const void* dy;
  void* dx;
  int64_t n;
  double alpha = 0;
};

void unaryCpu(const UnaryParams& p);
void unaryBackwardCpu(const UnaryBackwardParams& p);
void unaryCuda(const UnaryParams& p);  // unary_cuda.cu
void unaryBackwardCuda(const UnaryBackwardParams& p);

}  // namespace bs
