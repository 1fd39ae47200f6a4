// Softmax and log-softmax along the middle axis of [outer, axisLen, inner].
#pragma once
#include <cstdint>

#include "../dtype.h"

namespace bs {

struct SoftmaxParams {
  DType dtype;
  const void* x;   // forward: x; backward: y
  const void* dy;  // backward only
  void* out;       // forward: y; backward: dx
  int64_t outer, axisLen, inner;
  bool log;
};

void softmaxCpu(const SoftmaxParams& p);
void softmaxBackwardCpu(const SoftmaxParams& p);
void softmaxCuda(const SoftmaxParams& p);  // softmax_cuda.cu
void softmaxBackwardCuda(const SoftmaxParams& p);

}  // namespace bs
