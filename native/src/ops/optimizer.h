// Fused optimizer updates: one pass over a parameter that reads its gradient and state and writes
// the new weight and state, instead of one elementwise op (and one temporary) per term of the
// rule. The formulas are those of engine/train/optimizers/*.ts, term for term.
#pragma once
#include <cstdint>

#include "../dtype.h"

namespace bs {

enum OptimizerKind : int { kSgd = 0, kAdam = 1, kAdamW = 2, kNumOptimizerKinds };

struct OptimizerParams {
  int kind;
  DType dtype;  // float32 or float64
  void* w;
  const void* g;
  void* s0;  // SGD: momentum (null without momentum); Adam: mean
  void* s1;  // Adam: var; null for SGD
  int64_t n;
  // SGD:  g' = clip(rescale · g);  d = g' + wd · w
  //       mom ← momentum · mom − lr · d;  w ← w + mom      (no momentum: w ← w − lr · d)
  // Adam: g' = clip(rescale · g + wd · w);  m ← β1·m + (1−β1)·g';  v ← β2·v + (1−β2)·g'²
  //       w ← w − lr · m / (√v + ε)                      (lr already bias-corrected)
  // AdamW: g' = clip(rescale · g);  m, v as Adam;  u = (m / c1) / (√(v / c2) + ε) + wd · w
  //       w ← w − lr · u
  double lr, wd, rescale, clip;  // clip < 0: no clipping
  double momentum;               // SGD
  double beta1, beta2, epsilon;  // Adam / AdamW
  double c1, c2;                 // AdamW bias corrections 1 − β1^t, 1 − β2^t
  bool rescaleFirst;             // SGD: apply rescale to g (else it was folded into lr by the caller)
};

void optimizerCpu(const OptimizerParams& p);
void optimizerCuda(const OptimizerParams& p);  // optimizer_cuda.cu

}  // namespace bs
