// Row gather / scatter-add on the GPU (take.h): one thread per output element forward; backward
// one thread per dy element adding into its table row with atomicAdd (repeated indices meet
// there), so float sums may differ from the CPU's in the last bits.
#include "../cuda/launch.cuh"
#include "take.h"

namespace bs {

namespace {

template <typename T>
__global__ void forwardKernel(const T* table, const void* index, DType indexDtype, T* out, int64_t n, int64_t rows, int64_t dim) {
  BS_GRID_LOOP(e, n * dim) {
    const int64_t r = take::row(index, indexDtype, e / dim, rows);
    out[e] = r < 0 ? T(0) : table[r * dim + e % dim];
  }
}

template <typename T>
__global__ void backwardKernel(const T* dy, const void* index, DType indexDtype, T* dt, int64_t n, int64_t rows, int64_t dim) {
  BS_GRID_LOOP(e, n * dim) {
    const int64_t r = take::row(index, indexDtype, e / dim, rows);
    if (r >= 0) atomicAdd(dt + r * dim + e % dim, dy[e]);
  }
}

}  // namespace

void takeCuda(const TakeParams& p) {
  const cuda::Target t = cuda::target(p.out, "take");
  const int64_t total = p.n * p.dim;
  BS_DISPATCH_ALL(p.dtype, T, {
    forwardKernel<T><<<cuda::gridFor(total), geom::kThreads, 0, t.stream>>>(
        static_cast<const T*>(p.table), p.index, p.indexDtype, static_cast<T*>(p.out), p.n, p.rows, p.dim);
  });
  cuda::checkLaunch("take");
}

void takeBackwardCuda(const TakeParams& p) {
  const cuda::Target t = cuda::target(p.out, "takeBackward");
  const int64_t total = p.n * p.dim;
  BS_DISPATCH_FLOAT(p.dtype, T, {
    backwardKernel<T><<<cuda::gridFor(total), geom::kThreads, 0, t.stream>>>(
        static_cast<const T*>(p.table), p.index, p.indexDtype, static_cast<T*>(p.out), p.n, p.rows, p.dim);
  });
  cuda::checkLaunch("takeBackward");
}

}  // namespace bs
