// Batched GEMM: out[p] = op(A[p]) · op(B[p]); see matmul() in native-addon.ts for the layout.
#pragma once
#include <cstdint>

#include "../dtype.h"

namespace bs {

struct MatmulParams {
  DType dtype;
  const void* a;
  const void* b;
  void* out;
  int64_t batch, m, n, k;
  bool transA, transB;
  int64_t aBatchStride, bBatchStride;
};

void matmulCpu(const MatmulParams& p);
void matmulCuda(const MatmulParams& p);  // matmul_cuda.cu

// The plain kernel, also used by linear's fallback. Strides are in elements.
template <typename T>
void gemmPlain(const T* a, int64_t aRowStride, int64_t aColStride, const T* b, int64_t bRowStride,
               int64_t bColStride, T* c, int64_t m, int64_t n, int64_t k);

}  // namespace bs
