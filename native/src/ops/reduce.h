// Reductions over a set of axes (codes as REDUCE_OP in native-addon.ts).
#pragma once
#include <cstdint>

#include "../checks.h"
#include "../dtype.h"

namespace bs {

enum ReduceOp : int { kSum = 0, kMean, kMax, kMin, kProd, kArgmax, kArgmin, kNumReduceOps };
const char* reduceName(int op);

struct ReduceParams {
  int op;
  DType dtype;
  const void* x;
  Dims shape;
  bool reduced[kMaxRank];
  void* out;
};

void reduceCpu(const ReduceParams& p);
void reduceCuda(const ReduceParams& p);  // reduce_cuda.cu

}  // namespace bs
