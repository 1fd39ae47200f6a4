// Gluon's FullyConnected: out = act(x · w^T + bias).
#pragma once
#include <cstdint>

#include "../dtype.h"

namespace bs {

struct LinearParams {
  DType dtype;
  const void* x;
  const void* w;
  const void* bias;  // may be null
  void* out;
  int64_t rows, inUnits, outUnits;
  int activation;  // UnaryOp code or -1
};

void linearCpu(const LinearParams& p);
void linearCuda(const LinearParams& p);  // linear_cuda.cu

}  // namespace bs
