// A block-wide sum in double for the normalization kernels (one block per channel or row): every
// thread passes its partial sum and gets the total. blockDim.x must be a power of two ≤ kMaxThreads.
#pragma once
#include <cuda_runtime.h>

namespace bs {
namespace cuda {

constexpr int kSumThreads = 256;

__device__ inline double blockSum(double v, double* buf) {
  buf[threadIdx.x] = v;
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) buf[threadIdx.x] += buf[threadIdx.x + s];
    __syncthreads();
  }
  const double r = buf[0];
  __syncthreads();  // buf may be reused right away
  return r;
}

}  // namespace cuda
}  // namespace bs
