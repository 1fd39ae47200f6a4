// Linear on the GPU: the GEMM of matmul_cuda.cu (x · w^T, w read transposed in place), then one
// pass adding the bias, then the activation through unaryCuda in place. Unlike oneDNN's fused
// post-op this reads the output twice more; a fused epilogue is the next step once a GPU can
// measure whether it matters.
#include "../cuda/launch.cuh"
#include "linear.h"
#include "matmul.h"
#include "unary.h"

namespace bs {

namespace {

template <typename T>
__global__ void addBiasKernel(T* out, const T* bias, int64_t rows, int64_t cols) {
  BS_GRID_LOOP(i, rows * cols) out[i] += bias[i % cols];
}

}  // namespace

void linearCuda(const LinearParams& p) {
  if (p.rows == 0 || p.outUnits == 0) return;
  MatmulParams mm{p.dtype, p.x, p.w, p.out, 1, p.rows, p.outUnits, p.inUnits, false, true, 0, 0};
  matmulCuda(mm);
  const cuda::Target t = cuda::target(p.out, "linear");
  const int64_t n = p.rows * p.outUnits;
  if (p.bias) {
    BS_DISPATCH_FLOAT(p.dtype, T, {
      addBiasKernel<T><<<cuda::gridFor(n), geom::kThreads, 0, t.stream>>>(
          static_cast<T*>(p.out), static_cast<const T*>(p.bias), p.rows, p.outUnits);
    });
    cuda::checkLaunch("linear");
  }
  if (p.activation >= 0) unaryCuda(UnaryParams{p.activation, p.dtype, p.out, p.out, n});
}

}  // namespace bs
