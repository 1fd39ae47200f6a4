// Fused optimizer updates on the GPU: optimizer_math.h's per-element rule in a grid-stride loop.
#include "../cuda/launch.cuh"
#include "optimizer.h"
#include "optimizer_math.h"

namespace bs {

namespace {

template <typename T>
__global__ void optimizerKernel(int kind, OptimizerScalars<T> k, T* w, const T* g, T* s0, T* s1, int64_t n) {
  BS_GRID_LOOP(i, n) optimizerStep<T>(kind, k, w, g, s0, s1, i);
}

}  // namespace

void optimizerCuda(const OptimizerParams& p) {
  if (p.n == 0) return;
  const cuda::Target t = cuda::target(p.w, "optimizerUpdate");
  BS_DISPATCH_FLOAT(p.dtype, T, {
    optimizerKernel<T><<<cuda::gridFor(p.n), geom::kThreads, 0, t.stream>>>(
        p.kind, OptimizerScalars<T>(p), static_cast<T*>(p.w), static_cast<const T*>(p.g), static_cast<T*>(p.s0),
        static_cast<T*>(p.s1), p.n);
  });
  cuda::checkLaunch("optimizerUpdate");
}

}  // namespace bs
