// Pooling on the GPU: one thread per output element (forward) or input element (backward),
// running pool.h's rules, the same code as the CPU's plain kernels (the backward is a gather over
// the windows containing each input, so no atomics).
#include "../cuda/launch.cuh"
#include "pool.h"

namespace bs {

namespace {

template <typename T>
__global__ void poolForwardKernel(PoolGeom g, int mode, const T* x, T* y, int64_t n) {
  BS_GRID_LOOP(i, n) y[i] = poolForwardAt(g, mode, x, i);
}

template <typename T>
__global__ void poolBackwardKernel(PoolGeom g, int mode, const T* x, const T* dy, T* dx, int64_t n) {
  BS_GRID_LOOP(i, n) dx[i] = poolBackwardAt(g, mode, x, dy, i);
}

}  // namespace

void poolCuda(const PoolParams& p) {
  const int64_t n = p.g.n * p.g.c * p.g.oh * p.g.ow;
  if (n == 0) return;
  const cuda::Target t = cuda::target(p.y, "pooling");
  BS_DISPATCH_FLOAT(p.dtype, T, {
    poolForwardKernel<T><<<cuda::gridFor(n), geom::kThreads, 0, t.stream>>>(p.g, p.mode, static_cast<const T*>(p.x),
                                                                             static_cast<T*>(p.y), n);
  });
  cuda::checkLaunch("pooling");
}

void poolBackwardCuda(const PoolParams& p) {
  const int64_t n = p.g.n * p.g.c * p.g.h * p.g.w;
  if (n == 0) return;
  const cuda::Target t = cuda::target(p.dx, "poolingBackward");
  BS_DISPATCH_FLOAT(p.dtype, T, {
    poolBackwardKernel<T><<<cuda::gridFor(n), geom::kThreads, 0, t.stream>>>(
        p.g, p.mode, static_cast<const T*>(p.x), static_cast<const T*>(p.dy), static_cast<T*>(p.dx), n);
  });
  cuda::checkLaunch("poolingBackward");
}

}  // namespace bs
