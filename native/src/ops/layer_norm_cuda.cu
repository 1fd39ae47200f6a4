// Layer normalization on the GPU: one block per row for the statistics, the output and dx (sums
// in double through a block-wide reduction); dgamma / dbeta by one thread per column summing over
// the rows (no atomics, deterministic). The formulas of layer_norm_cpu.cc's plain loops.
#include "../cuda/block_sum.cuh"
#include "../cuda/launch.cuh"
#include "layer_norm.h"

namespace bs {

namespace {

template <typename T>
__global__ void forwardKernel(LayerNormParams p) {
  __shared__ double buf[cuda::kSumThreads];
  const T* gamma = static_cast<const T*>(p.gamma);
  const T* beta = static_cast<const T*>(p.beta);
  const int64_t L = p.inner;
  for (int64_t r = blockIdx.x; r < p.outer; r += gridDim.x) {
    const T* xr = static_cast<const T*>(p.x) + r * L;
    T* yr = static_cast<T*>(p.y) + r * L;
    double part = 0;
    for (int64_t j = threadIdx.x; j < L; j += blockDim.x) part += xr[j];
    const double mean = cuda::blockSum(part, buf) / static_cast<double>(L);
    part = 0;
    for (int64_t j = threadIdx.x; j < L; j += blockDim.x) part += (xr[j] - mean) * (xr[j] - mean);
    const double var = cuda::blockSum(part, buf) / static_cast<double>(L);
    if (threadIdx.x == 0) {
      static_cast<T*>(p.saveMean)[r] = static_cast<T>(mean);
      static_cast<T*>(p.saveVar)[r] = static_cast<T>(var);
    }
    const double inv = 1.0 / sqrt(var + p.eps);
    for (int64_t j = threadIdx.x; j < L; j += blockDim.x) {
      const double h = (xr[j] - mean) * inv;
      yr[j] = static_cast<T>(h * (gamma ? static_cast<double>(gamma[j]) : 1.0) + (beta ? static_cast<double>(beta[j]) : 0.0));
    }
  }
}

template <typename T>
__global__ void dxKernel(LayerNormBackwardParams p) {
  __shared__ double buf[cuda::kSumThreads];
  const T* gamma = static_cast<const T*>(p.gamma);
  const int64_t L = p.inner;
  for (int64_t r = blockIdx.x; r < p.outer; r += gridDim.x) {
    const T* xr = static_cast<const T*>(p.x) + r * L;
    const T* gr = static_cast<const T*>(p.dy) + r * L;
    const double mean = static_cast<const T*>(p.mean)[r];
    const double inv = 1.0 / sqrt(static_cast<double>(static_cast<const T*>(p.var)[r]) + p.eps);
    double a = 0, b = 0;
    for (int64_t j = threadIdx.x; j < L; j += blockDim.x) {
      const double g = gr[j] * (gamma ? static_cast<double>(gamma[j]) : 1.0);
      a += g;
      b += g * (xr[j] - mean) * inv;
    }
    const double sumG = cuda::blockSum(a, buf);
    const double sumGH = cuda::blockSum(b, buf);
    T* dxr = static_cast<T*>(p.dx) + r * L;
    for (int64_t j = threadIdx.x; j < L; j += blockDim.x) {
      const double g = gr[j] * (gamma ? static_cast<double>(gamma[j]) : 1.0);
      dxr[j] = static_cast<T>(inv * (g - sumG / L - (xr[j] - mean) * inv * sumGH / L));
    }
  }
}

template <typename T>
__global__ void paramKernel(LayerNormBackwardParams p) {
  const T* x = static_cast<const T*>(p.x);
  const T* dy = static_cast<const T*>(p.dy);
  const T* meanV = static_cast<const T*>(p.mean);
  const T* varV = static_cast<const T*>(p.var);
  const int64_t L = p.inner;
  BS_GRID_LOOP(j, L) {
    double sg = 0, sb = 0;
    for (int64_t r = 0; r < p.outer; r++) {
      const double d = dy[r * L + j];
      sg += d * (x[r * L + j] - meanV[r]) / sqrt(static_cast<double>(varV[r]) + p.eps);
      sb += d;
    }
    if (p.dgamma) static_cast<T*>(p.dgamma)[j] = static_cast<T>(sg);
    if (p.dbeta) static_cast<T*>(p.dbeta)[j] = static_cast<T>(sb);
  }
}

unsigned rowBlocks(int64_t rows) { return static_cast<unsigned>(rows < geom::kMaxBlocks ? rows : geom::kMaxBlocks); }

}  // namespace

void layerNormCuda(const LayerNormParams& p) {
  const cuda::Target t = cuda::target(p.y, "layerNorm");
  if (p.outer == 0 || p.inner == 0) return;
  const int threads = geom::reduceThreads(p.inner);
  BS_DISPATCH_FLOAT(p.dtype, T, { forwardKernel<T><<<rowBlocks(p.outer), threads, 0, t.stream>>>(p); });
  cuda::checkLaunch("layerNorm");
}

void layerNormBackwardCuda(const LayerNormBackwardParams& p) {
  const cuda::Target t = cuda::target(p.dy, "layerNormBackward");
  if (p.outer == 0 || p.inner == 0) return;
  if (p.dx) {
    const int threads = geom::reduceThreads(p.inner);
    BS_DISPATCH_FLOAT(p.dtype, T, { dxKernel<T><<<rowBlocks(p.outer), threads, 0, t.stream>>>(p); });
    cuda::checkLaunch("layerNormBackward");
  }
  if (p.dgamma || p.dbeta) {
    BS_DISPATCH_FLOAT(p.dtype, T, { paramKernel<T><<<cuda::gridFor(p.inner), geom::kThreads, 0, t.stream>>>(p); });
    cuda::checkLaunch("layerNormBackward");
  }
}

}  // namespace bs
