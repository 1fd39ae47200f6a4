// Layer normalization of x viewed as [outer, inner]: each row is normalized over its `inner`
// values (the trailing axes from `axis`), y = (x - mean) / sqrt(var + eps) * gamma + beta with
// gamma / beta of [inner] (PyTorch's normalized_shape). The biased variance, as PyTorch and
// Gluon. Instance and group normalization run on this kernel through a reshaped view.
#pragma once
#include <cstdint>

#include "../dtype.h"
#include "norm_backward.h"

namespace bs {

struct LayerNormParams {
  DType dtype;
  const void* x;
  const void* gamma;  // [inner] or null
  const void* beta;   // [inner] or null
  void* y;
  void* saveMean;  // [outer]
  void* saveVar;   // [outer], biased
  int64_t outer, inner;
  double eps;
};

struct LayerNormBackwardParams : NormBackwardBuffers {  // mean, var: [outer]; gamma, dgamma, dbeta: [inner]
  int64_t outer, inner;
  double eps;
};

void layerNormCpu(const LayerNormParams& p);
void layerNormBackwardCpu(const LayerNormBackwardParams& p);
void layerNormCuda(const LayerNormParams& p);  // layer_norm_cuda.cu
void layerNormBackwardCuda(const LayerNormBackwardParams& p);

}  // namespace bs
