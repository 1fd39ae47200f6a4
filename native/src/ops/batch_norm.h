// Batch normalization over axis 1 of x viewed as [n, c, s] (s = the product of the spatial axes,
// 1 for NC input): per channel, y = (x - mean) / sqrt(var + eps) * gamma + beta.
//
// Training (batch statistics): mean and the biased variance are taken over n·s values, written
// to saveMean / saveVar for backward, and the running statistics are updated in place with
// Gluon's momentum convention: running = momentum · running + (1 − momentum) · batch, where the
// variance folded into runningVar is the UNBIASED one (· m / (m − 1), m = n·s), as PyTorch does.
// MXNet folds in the biased variance instead (batch_norm.cc, during backward); we follow PyTorch
// because its BatchNorm is the oracle and the target of the exported code (docs/engine.md).
// Inference (global statistics): runningMean / runningVar normalize, nothing is written back.
#pragma once
#include <cstdint>

#include "../dtype.h"
#include "norm_backward.h"

namespace bs {

struct BatchNormParams {
  DType dtype;
  const void* x;
  const void* gamma;  // [c] or null (scale 1)
  const void* beta;   // [c] or null (shift 0)
  void* runningMean;  // [c]: read in inference, updated in training
  void* runningVar;   // [c]
  void* y;
  void* saveMean;  // [c], training only: the batch mean
  void* saveVar;   // [c], training only: the batch's biased variance
  int64_t n, c, s;
  double eps, momentum;
  bool training;
};

// Gradients given the statistics the forward normalized with (the batch's, or the running ones
// when globalStats: then mean and var are constants and dx = dy · gamma / sqrt(var + eps)).
struct BatchNormBackwardParams : NormBackwardBuffers {  // mean, var, gamma, dgamma, dbeta: [c]
  int64_t n, c, s;
  double eps;
  bool globalStats;
};

void batchNormCpu(const BatchNormParams& p);
void batchNormBackwardCpu(const BatchNormBackwardParams& p);
void batchNormCuda(const BatchNormParams& p);  // batch_norm_cuda.cu
void batchNormBackwardCuda(const BatchNormBackwardParams& p);

}  // namespace bs
